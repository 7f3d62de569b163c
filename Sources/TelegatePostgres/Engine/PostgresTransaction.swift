import Logging
import PostgresNIO
import TelegateSQL

/// One leased connection, usually inside a transaction: statements run in order on it.
struct PostgresTransaction: SQLSession, Sendable {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    @discardableResult
    func query(_ sql: SQL) async throws -> [any SQLRow] {
        try await query(PostgresQuery(sql))
    }

    /// Runs a statement and returns its rows.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> [PostgresResultRow] {
        try await connection.query(query, logger: logger).collect().map(PostgresResultRow.init)
    }

    /// Runs a statement whose rows do not matter.
    func run(_ query: PostgresQuery) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }
}

extension PostgresQuery {
    /// `sql` with `$n` placeholders, its values bound in PostgreSQL's binary types (`BIGINT`, `TEXT`, `BYTEA`,
    /// `BOOLEAN`; a `NULL` takes its type from where it is used).
    init(_ sql: SQL) {
        let (text, values) = sql.rendered(for: .postgres)
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let number): binds.append(number)
            case .text(let text): binds.append(text)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            case .bool(let flag): binds.append(flag)
            }
        }
        self.init(unsafeSQL: text, binds: binds)
    }
}
