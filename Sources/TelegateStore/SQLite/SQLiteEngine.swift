import Synchronization
import TelegateCore

/// One SQLite database file: a writer with group commit and a few readers (WAL lets them read while it writes).
final class SQLiteEngine: Sendable {
    private let writer: SQLiteWriteQueue
    private let readers: SQLiteReaderPool
    private let checkpointer: SQLiteCheckpointer

    /// Opens `path` in WAL mode with `synchronous=FULL`, so a commit survives power loss. Checkpoints run on their
    /// own connection (``SQLiteCheckpointer``), and the writer restarts the log when it grows; a log that grew during
    /// a burst is cut back to 64 MiB when it restarts.
    init(path: String, readers readerCount: Int = 4) throws {
        let writerHandle = try SQLiteHandle(path: path, readOnly: false)
        try writerHandle.execute(
            """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;
            PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;
            """)
        writer = SQLiteWriteQueue(handle: writerHandle, label: "telegate.sqlite.writer")
        checkpointer = try SQLiteCheckpointer(path: path) { [writer] in writer.restartLog() }
        readers = try SQLiteReaderPool(path: path, connections: readerCount)
    }

    /// Runs a read on one of the readers, inside one read transaction: every statement of `body` sees the same
    /// snapshot, so a read never mixes rows from before and after a concurrent write.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
        do {
            return try readers.read { handle in
                try handle.run("BEGIN")
                do {
                    let value = try body(handle)
                    try handle.run("COMMIT")
                    return value
                } catch {
                    _ = try? handle.run("ROLLBACK")
                    throw error
                }
            }
        } catch let failure as SQLiteFailure {
            throw failure.telegateError
        }
    }

    /// Runs `body` in a write transaction (grouped with concurrent writes) and returns after the commit.
    @discardableResult
    func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let failure as SQLiteFailure {
            throw failure.telegateError
        }
    }

    /// Stops the periodic checkpoints and checkpoints the whole log into the database file, truncating it. A log
    /// that another process still reads from stays as it is; the database is consistent either way.
    func close() {
        checkpointer.stop()
        _ = try? writer.runSynchronously { try $0.query("PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Runs `body` on the writer outside a transaction, synchronously (migrations).
    func administer<T>(_ body: (SQLiteHandle) throws -> T) throws -> T {
        do {
            return try writer.runSynchronously(body)
        } catch let failure as SQLiteFailure {
            throw failure.telegateError
        }
    }
}
