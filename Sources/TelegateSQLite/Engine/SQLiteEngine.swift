import Synchronization
import TelegateCore
import TelegateSQL

/// One SQLite database file: a writer with group commit and a few readers (WAL lets them read while it writes).
final class SQLiteEngine: SQLDatabase {
    private let writer: SQLiteWriteQueue
    private let readers: SQLiteReaderPool
    private let checkpointer: SQLiteCheckpointer

    var dialect: SQLDialect { .sqlite }

    /// Opens `path` in WAL mode with `synchronous=FULL`, so a commit survives power loss. Checkpoints run on their
    /// own connection (``SQLiteCheckpointer``), and the writer restarts the log when it grows; a log that grew during
    /// a burst is cut back to 64 MiB when it restarts. The writer keeps its temporary storage in memory: each job of
    /// a group commit runs in a savepoint, whose statement journal would otherwise be written to a temporary file.
    init(path: String, readers readerCount: Int = 4) throws {
        let writerHandle = try SQLiteHandle(path: path, readOnly: false)
        try writerHandle.execute(
            """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;
            PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864; PRAGMA temp_store=MEMORY;
            """)
        writer = SQLiteWriteQueue(handle: writerHandle, label: "telegate.sqlite.writer")
        checkpointer = try SQLiteCheckpointer(path: path) { [writer] in writer.restartLog() }
        readers = try SQLiteReaderPool(path: path, connections: readerCount)
    }

    /// Runs a read on one of the readers, inside one read transaction: every statement of `body` sees the same
    /// snapshot, so a read never mixes rows from before and after a concurrent write.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) async throws -> T) async throws -> T {
        try await mappingFailures {
            try await readers.read { handle in
                try handle.run("BEGIN")
                do {
                    let value = try await body(SQLiteSession(handle: handle))
                    try handle.run("COMMIT")
                    return value
                } catch {
                    _ = try? handle.run("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// One statement is its own snapshot: no transaction around it.
    func read(_ sql: SQL) async throws -> [any SQLRow] {
        try await mappingFailures {
            try await readers.read { try await SQLiteSession(handle: $0).query(sql) }
        }
    }

    /// Runs `body` in a write transaction (grouped with concurrent writes) and returns after the commit.
    @discardableResult
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) async throws -> T) async throws -> T {
        try await mappingFailures { try await writer.write(body) }
    }

    @discardableResult
    func write(_ sql: SQL) async throws -> [any SQLRow] {
        try await write { try await $0.query(sql) }
    }

    /// Stops the periodic checkpoints and checkpoints the whole log into the database file, truncating it. A log
    /// that another process still reads from stays as it is; the database is consistent either way.
    func close() async {
        await checkpointer.stop()
        _ = try? await writer.run { try $0.query("PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Reports SQLite's failures as ``TelegateError``s; anything else (a store's own errors) passes through.
    private func mappingFailures<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let failure as SQLiteFailure {
            throw failure.telegateError
        }
    }
}
