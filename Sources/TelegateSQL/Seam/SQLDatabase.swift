/// One connection's statements, in order, inside a transaction (or a read snapshot) an engine opened for them.
public protocol SQLSession {
    /// The engine's way of writing statements.
    var dialect: SQLDialect { get }

    /// Runs one statement and returns its rows. A write whose count matters says `RETURNING 1` and counts rows.
    @discardableResult
    func query(_ sql: SQL) async throws -> [any SQLRow]
}

/// A database the stores run on: each engine (SQLite, PostgreSQL) implements it, and maps its own failures to
/// ``TelegateError``s (`storage_unavailable` for conditions of the database, else `internal_error`).
public protocol SQLDatabase: Sendable {
    /// The engine's way of writing statements.
    var dialect: SQLDialect { get }

    /// Runs `body` in one read snapshot: every statement sees the same committed state.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) async throws -> T) async throws -> T

    /// Runs `body` in one write transaction, committed (durably) before this returns and rolled back when `body`
    /// throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) async throws -> T) async throws -> T

    /// Runs one read statement on its own (an engine may spare the transaction around it).
    func read(_ sql: SQL) async throws -> [any SQLRow]

    /// Runs one write statement, committed before this returns (an engine may spare the transaction around it).
    @discardableResult
    func write(_ sql: SQL) async throws -> [any SQLRow]
}

/// Thrown inside a write transaction to roll it back when a store has found it cannot complete, and caught by that store; engines pass it through unchanged.
public struct SQLRollback: Error {
    public init() {}
}
