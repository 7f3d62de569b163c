import Logging
import PostgresNIO

/// One leased connection, usually inside a transaction: statements run in order on it.
struct PostgresTransaction: Sendable {
    let connection: PostgresConnection
    let logger: Logger

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
