import Foundation

/// Runs `work` on a thread of its own and awaits its result.
///
/// Waiting for a child process blocks its thread; on the few threads every async test shares, a blocked thread
/// stalls the servers and clients of the tests running beside it.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
