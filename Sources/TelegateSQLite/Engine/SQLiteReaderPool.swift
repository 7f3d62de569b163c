import Synchronization

/// Read-only connections, each lent to one caller at a time; reads run on the caller's thread.
///
/// A read in WAL mode never waits for the writer and costs tens of microseconds, less than the two thread hops a
/// dedicated reader thread would add, so it runs inline like any other short computation. The pool opens another
/// connection when all are lent out and keeps it, so it holds as many connections as reads ever ran at once.
final class SQLiteReaderPool: Sendable {
    private let path: String
    private let idle: Mutex<[LentHandle]>

    /// Wraps a handle for the idle list.
    // Safety: a handle is in the idle list or lent to exactly one caller, never both, so one thread at a time uses it.
    private struct LentHandle: @unchecked Sendable {
        let handle: SQLiteHandle
    }

    init(path: String, connections: Int) throws {
        self.path = path
        idle = Mutex(try (0..<connections).map { _ in LentHandle(handle: try Self.open(path)) })
    }

    /// Runs `body` with a connection of its own. The stores' read bodies do not suspend (SQLite statements are
    /// synchronous), so the connection is back in the pool as soon as the read is done.
    func read<T>(_ body: (SQLiteHandle) async throws -> T) async throws -> T {
        let lent = try idle.withLock { $0.popLast() } ?? LentHandle(handle: try Self.open(path))
        defer { idle.withLock { $0.append(lent) } }
        return try await body(lent.handle)
    }

    private static func open(_ path: String) throws -> SQLiteHandle {
        let handle = try SQLiteHandle(path: path, readOnly: true)
        try handle.execute("PRAGMA busy_timeout=5000; PRAGMA query_only=ON;")
        return handle
    }
}
