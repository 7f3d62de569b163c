import Foundation

/// Runs `work` on a global dispatch queue and awaits its result.
///
/// Waiting for a child process blocks its thread; on the few threads every async test shares, a blocked thread
/// stalls the servers and clients of the tests running beside it. (Dispatch's worker threads also keep signals
/// blocked, so a child's `SIGCHLD` never interrupts a read there.)
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
