import Logging
import PostgresNIO
import TelegateCore
import TelegateSQL

/// The PostgreSQL engine behind the store protocols: several Telegate instances share one database.
///
/// Every "exactly once" rule holds across processes because the database decides it: unique keys with
/// `INSERT … ON CONFLICT DO NOTHING` for users, links and families, conditional updates for link-state transitions,
/// refresh rotation and key rotation. A warm exchange costs one read statement and no write.
public final class PostgresStorage: SQLStorage, TelegateStorage, @unchecked Sendable {
    // Safety: adds one `let` of a `Sendable` type to ``SQLStorage``'s.
    let engine: PostgresEngine

    /// Starts a connection pool for `settings`; connections open on first use.
    public init(settings: PostgresSettings, logger: Logger = Logger(label: "telegate.postgres")) {
        engine = PostgresEngine(settings: settings, logger: logger)
        super.init(database: engine)
    }

    /// How long a migration run may take, waiting for another instance's included.
    static let migrationDeadline: Duration = .seconds(300)

    /// Creates the schema when one is configured, then applies pending migrations in one transaction under an
    /// advisory lock of that schema, so instances starting together migrate once.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let schema = engine.settings.schema
        return try await engine.administer(deadline: Self.migrationDeadline) { connection in
            try await connection.run("BEGIN")
            do {
                try await connection.run("SET LOCAL statement_timeout = 0")
                try await connection.run("SELECT pg_advisory_xact_lock(hashtext(\("telegate-migrations:" + (schema ?? "public"))))")
                // Inside the lock: two instances creating the same schema at once would otherwise collide.
                if let schema { try await connection.run(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)")) }
                let done = try await SQLSchema.migrate(connection)
                try await connection.run("COMMIT")
                return done
            } catch {
                _ = try? await connection.run("ROLLBACK")
                throw error
            }
        }
    }

    /// Whether `SELECT 1` answers within two seconds.
    public func isReachable() async -> Bool {
        (try? await engine.query("SELECT 1::BIGINT", deadline: .seconds(2)).first?.integer(0)) == 1
    }

    public func close() async throws {
        await engine.close()
    }

    /// The server's `now()`, in microseconds on the wire so nothing is lost to a floating-point type.
    public func databaseTime() async throws -> Double? {
        let rows = try await engine.query("SELECT (EXTRACT(EPOCH FROM now()) * 1000000)::BIGINT", deadline: .seconds(2))
        guard let microseconds = rows.first?.integer(0) else { throw TelegateError.internalError() }
        return Double(microseconds) / 1_000_000
    }
}

extension PostgresStorage {
    /// Drops `schema` and everything in it. For tests and tooling that give each run a schema of its own.
    public func dropSchema(_ schema: String) async throws {
        guard PostgresSettings.isIdentifier(schema) else { throw PostgresSettings.InvalidURL(message: "invalid schema name") }
        _ = try await engine.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
    }
}
