import Synchronization
import TelegateCore

/// One SQLite database file: a writer with group commit and a few readers (WAL lets them read while it writes).
final class SQLiteEngine: Sendable {
    private let writer: SQLiteWriteQueue
    private let readers: [SQLiteWorker]
    private let nextReader = Atomic<Int>(0)

    /// Opens `path` in WAL mode with `synchronous=FULL`, so a commit survives power loss.
    init(path: String, readers readerCount: Int = 4) throws {
        let writerHandle = try SQLiteHandle(path: path, readOnly: false)
        try writerHandle.execute(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;")
        writer = SQLiteWriteQueue(handle: writerHandle, label: "telegate.sqlite.writer")
        readers = try (0..<max(readerCount, 1)).map { index in
            let handle = try SQLiteHandle(path: path, readOnly: true)
            try handle.execute("PRAGMA busy_timeout=5000; PRAGMA query_only=ON;")
            return SQLiteWorker(handle: handle, label: "telegate.sqlite.reader.\(index)")
        }
    }

    /// Runs a read on one of the readers, inside one read transaction: every statement of `body` sees the same
    /// snapshot, so a read never mixes rows from before and after a concurrent write.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
        let index = nextReader.add(1, ordering: .relaxed).oldValue
        do {
            return try await readers[index % readers.count].run { handle in
                try handle.execute("BEGIN")
                do {
                    let value = try body(handle)
                    try handle.execute("COMMIT")
                    return value
                } catch {
                    try? handle.execute("ROLLBACK")
                    throw error
                }
            }
        } catch let failure as SQLiteFailure {
            throw failure.telegateError
        }
    }

    /// Runs `body` in a write transaction (grouped with concurrent writes) and returns after the commit.
    func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let failure as SQLiteFailure {
            throw failure.telegateError
        }
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
