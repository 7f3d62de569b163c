import Dispatch
import Synchronization
import TelegateSQL

/// The single writer of an SQLite database, with group commit.
///
/// Writes queue up while a transaction is committing, then run together in the next transaction, each inside
/// its own savepoint so one failing write does not undo the others. Every caller learns its outcome only after
/// the `COMMIT` (with `synchronous=FULL`) returned, so nothing is acknowledged before it is durable, and one fsync
/// serves many writes. The drain runs on the writer's own thread (``SQLiteWriterExecutor``).
final class SQLiteWriteQueue: @unchecked Sendable {
    // Safety: `handle` is only touched by the drain (one at a time, `draining` under the mutex says which) and by
    // blocks submitted to `executor.queue`, which is serial and is also where the drain runs; `pending` is guarded by
    // its mutex.
    private let handle: SQLiteHandle
    private let executor: SQLiteWriterExecutor
    private let pending = Mutex<(jobs: [Job], draining: Bool)>(([], false))
    private let restartRequested = Atomic<Bool>(false)

    private struct Job: Sendable {
        let work: @Sendable (any SQLSession) async throws -> any Sendable
        let complete: @Sendable (Result<any Sendable, any Error>) -> Void
    }

    init(handle: SQLiteHandle, label: String) {
        self.handle = handle
        self.executor = SQLiteWriterExecutor(queue: DispatchQueue(label: label))
    }

    /// Runs `body` in a write transaction and returns once it has committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) async throws -> T) async throws -> T {
        let result: Result<any Sendable, any Error> = await withCheckedContinuation { continuation in
            let job = Job(work: { try await body($0) }, complete: { continuation.resume(returning: $0) })
            let startDrain = pending.withLock { state in
                state.jobs.append(job)
                return Self.claimDrain(&state)
            }
            if startDrain { self.startDrain() }
        }
        return try result.get() as! T
    }

    /// Runs `body` on the writer's thread outside any transaction (pragmas). The caller is suspended, not blocked:
    /// a checkpoint's fsync never holds a thread of the cooperative pool.
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            executor.queue.async { continuation.resume(with: Result { try body(self.handle) }) }
        }
    }

    /// Asks for the log to be restarted (checkpointed to its end and begun again) between two transactions.
    func restartLog() {
        guard !restartRequested.exchange(true, ordering: .relaxed) else { return }
        if pending.withLock({ Self.claimDrain(&$0) }) { startDrain() }
    }

    /// Whether the caller starts the drain (none is running).
    private static func claimDrain(_ state: inout (jobs: [Job], draining: Bool)) -> Bool {
        if state.draining { return false }
        state.draining = true
        return true
    }

    private func startDrain() {
        Task(executorPreference: executor) { await self.drain() }
    }

    private func restartIfRequested() {
        guard restartRequested.exchange(false, ordering: .relaxed) else { return }
        _ = try? handle.query("PRAGMA wal_checkpoint(RESTART)")
    }

    private func drain() async {
        while true {
            restartIfRequested()
            let jobs = pending.withLock { state -> [Job] in
                let jobs = state.jobs
                state.jobs = []
                if jobs.isEmpty { state.draining = false }
                return jobs
            }
            if jobs.isEmpty { return }
            await commit(jobs)
        }
    }

    private func commit(_ jobs: [Job]) async {
        var results: [Result<any Sendable, any Error>] = []
        results.reserveCapacity(jobs.count)
        do {
            try handle.run("BEGIN IMMEDIATE")
        } catch {
            for job in jobs { job.complete(.failure(error)) }
            return
        }
        let session = SQLiteSession(handle: handle)
        for job in jobs {
            do {
                try handle.run("SAVEPOINT job")
                let value = try await job.work(session)
                try handle.run("RELEASE job")
                results.append(.success(value))
            } catch {
                _ = try? handle.run("ROLLBACK TO job")
                _ = try? handle.run("RELEASE job")
                results.append(.failure(error))
            }
        }
        do {
            try handle.run("COMMIT")
        } catch {
            _ = try? handle.run("ROLLBACK")
            for job in jobs { job.complete(.failure(error)) }
            return
        }
        for (job, result) in zip(jobs, results) { job.complete(result) }
    }
}
