import TelegateSQL

/// The stores' statements on one SQLite connection, inside the transaction its owner opened.
struct SQLiteSession: SQLSession {
    let handle: SQLiteHandle
    var dialect: SQLDialect { .sqlite }

    @discardableResult
    func query(_ sql: SQL) async throws -> [any SQLRow] {
        let (text, binds) = sql.rendered(for: dialect)
        return try handle.query(text, binds)
    }
}
