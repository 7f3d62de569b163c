import Dispatch

/// Runs work on one ``SQLiteHandle`` from its own serial queue, so blocking SQLite calls never occupy Swift's
/// cooperative threads.
final class SQLiteWorker: @unchecked Sendable {
    // Safety: `handle` is only touched inside blocks submitted to `queue`, which is serial.
    private let handle: SQLiteHandle
    private let queue: DispatchQueue

    init(handle: SQLiteHandle, label: String) {
        self.handle = handle
        self.queue = DispatchQueue(label: label)
    }

    /// Runs `body` on the worker's thread.
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(self.handle) })
            }
        }
    }

    /// Runs `body` on the worker's thread, waiting for it; for start-up and shutdown only.
    func runSynchronously<T>(_ body: (SQLiteHandle) throws -> T) rethrows -> T {
        try queue.sync { try body(handle) }
    }
}
