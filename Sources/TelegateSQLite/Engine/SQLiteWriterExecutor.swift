import Dispatch

/// Runs tasks on the writer's serial queue: the write queue's drain runs with this as its executor preference, so
/// the stores' (async) write bodies and the blocking `COMMIT` with its fsync run on the writer's own thread, never on
/// Swift's cooperative pool.
final class SQLiteWriterExecutor: TaskExecutor {
    let queue: DispatchQueue

    init(queue: DispatchQueue) {
        self.queue = queue
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
