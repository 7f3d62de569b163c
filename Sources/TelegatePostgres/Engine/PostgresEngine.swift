import Logging
import NIOSSL
import PostgresNIO
import TelegateCore
import TelegateSQL

/// A pool of PostgreSQL connections (postgres-nio's `PostgresClient`, run as a long-lived service for as long as the
/// engine is open) and the ways stores use it (``SQLDatabase``): one statement, a read snapshot, a write transaction.
///
/// Every operation has a deadline: while the database is unreachable the pool keeps trying to connect and would
/// otherwise hold requests indefinitely, so a request gives up after ``PostgresSettings/statementTimeout`` with
/// `503 storage_unavailable`, and succeeds again as soon as the pool has reconnected, without a restart.
final class PostgresEngine: SQLDatabase {
    let client: PostgresClient
    let settings: PostgresSettings
    private let logger: Logger
    private let service: Task<Void, Never>
    /// The longest an operation may take from asking for a connection to its last row.
    private let deadline: Duration

    init(settings: PostgresSettings, logger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: Self.tls(settings.tls))
        configuration.options.maximumConnections = settings.poolSize
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = settings.connectTimeout
        let milliseconds = settings.statementTimeout.components.seconds * 1000
        var parameters = [("statement_timeout", "\(milliseconds)"), ("application_name", "telegate")]
        if let schema = settings.schema { parameters.append(("search_path", schema)) }
        configuration.options.additionalStartupParameters = parameters
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.settings = settings
        self.logger = logger
        self.deadline = settings.statementTimeout + settings.connectTimeout
        service = Task { await client.run() }
    }

    var dialect: SQLDialect { .postgres }

    /// Runs one statement (one round trip) and returns its rows; `deadline` replaces the usual one (readiness).
    func query(_ query: PostgresQuery, deadline: Duration? = nil) async throws -> [PostgresResultRow] {
        try await withDeadline(deadline) { client, logger in
            try await client.query(query, logger: logger).collect().map(PostgresResultRow.init)
        }
    }

    /// Runs `body` on one connection inside a `REPEATABLE READ, READ ONLY` transaction: every statement sees the
    /// same snapshot, so a read never mixes rows from before and after a concurrent write.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) async throws -> T) async throws -> T {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// One statement on its own, in one round trip: it sees one snapshot without a transaction around it.
    func read(_ sql: SQL) async throws -> [any SQLRow] {
        try await query(PostgresQuery(sql))
    }

    /// Runs `body` on one connection inside a `READ COMMITTED` write transaction, committed when `body` returns and
    /// rolled back when it throws.
    @discardableResult
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) async throws -> T) async throws -> T {
        try await transaction("BEGIN", body)
    }

    /// One statement on its own, committed on its own, in one round trip.
    @discardableResult
    func write(_ sql: SQL) async throws -> [any SQLRow] {
        try await query(PostgresQuery(sql))
    }

    /// Runs `body` on one connection outside a transaction (migrations manage their own), within `deadline`.
    func administer<T: Sendable>(
        deadline: Duration, _ body: @escaping @Sendable (PostgresTransaction) async throws -> T
    ) async throws -> T {
        try await withDeadline(deadline) { client, logger in
            try await client.withConnection { connection in
                try await body(PostgresTransaction(connection: connection, logger: logger))
            }
        }
    }

    /// Stops the pool and closes every connection.
    func close() async {
        service.cancel()
        await service.value
    }

    private func transaction<T: Sendable>(
        _ begin: PostgresQuery, _ body: @escaping @Sendable (any SQLSession) async throws -> T
    ) async throws -> T {
        try await withDeadline { client, logger in
            try await client.withConnection { connection in
                let transaction = PostgresTransaction(connection: connection, logger: logger)
                try await transaction.run(begin)
                do {
                    let value = try await body(transaction)
                    try await transaction.run("COMMIT")
                    return value
                } catch {
                    _ = try? await transaction.run("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// Runs `operation`, failing with `storage_unavailable` when it outlasts ``deadline`` (or `other`) and mapping
    /// database errors to ``TelegateError``s.
    private func withDeadline<T: Sendable>(
        _ other: Duration? = nil, _ operation: @escaping @Sendable (PostgresClient, Logger) async throws -> T
    ) async throws -> T {
        let client = client
        let logger = logger
        let deadline = other ?? deadline
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await operation(client, logger) }
                group.addTask {
                    try await Task.sleep(for: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw PostgresDeadlineExceeded()
                }
                return value
            }
        } catch let error as TelegateError {
            throw error
        } catch let error as SQLRollback {
            throw error
        } catch {
            let failure = PostgresFailure(error)
            if failure.isUnavailable {
                logger.warning("database unavailable", metadata: ["error": "\(failure.summary)"])
            } else {
                logger.error("database error", metadata: ["error": "\(failure.summary)"])
            }
            throw failure.telegateError
        }
    }

    private static func tls(_ mode: PostgresSettings.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable:
            return .disable
        case .prefer:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return .prefer(configuration)
        case .require:
            return .require(TLSConfiguration.makeClientConfiguration())
        }
    }
}

/// Thrown when an operation outlasts its deadline.
struct PostgresDeadlineExceeded: Error {}
