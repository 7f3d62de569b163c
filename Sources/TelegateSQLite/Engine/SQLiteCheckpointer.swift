import Dispatch

/// Moves WAL pages into the database file from its own connection and thread, so the writer never stalls on a
/// checkpoint inside a commit (the writer's automatic checkpoints are turned off).
///
/// Every tick copies what it can without waiting (`PASSIVE`). Under a steady stream of writes that never lets the
/// log start over (a write is always newer than the last copy), and a checkpoint that restarts the log needs the
/// write lock, which a busy writer never leaves free long enough for another connection to take it. So once the
/// log has grown past `restartFrames` the tick asks the writer itself to restart it between two transactions
/// (`onLogFull`); by then only the frames written since this pass are left to copy.
final class SQLiteCheckpointer: @unchecked Sendable {
    // Safety: `handle` is only touched inside blocks on `queue` (the timer's queue), which is serial.
    private let handle: SQLiteHandle
    private let queue = DispatchQueue(label: "telegate.sqlite.checkpoint")
    private let timer: any DispatchSourceTimer

    init(
        path: String, interval: DispatchTimeInterval = .milliseconds(200), restartFrames: Int64 = 16000,
        onLogFull: @escaping @Sendable () -> Void
    ) throws {
        handle = try SQLiteHandle(path: path, readOnly: false)
        try handle.execute("PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;")
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [handle] in
            // Columns: busy, frames in the log, frames copied.
            guard let frames = (try? handle.query("PRAGMA wal_checkpoint(PASSIVE)"))?.first?.integer(1) else { return }
            if frames > restartFrames { onLogFull() }
        }
        timer.resume()
    }

    /// Cancels the timer and waits for a checkpoint under way to finish.
    func stop() async {
        timer.cancel()
        await withCheckedContinuation { continuation in queue.async { continuation.resume() } }
    }

    deinit {
        timer.cancel()
    }
}
