import Foundation
import TelegateCore

/// The embedded SQLite engine behind the store protocols: one file, WAL, `synchronous=FULL`, group commit.
///
/// Meant for one process on one host. Several Telegate instances need PostgreSQL: SQLite's locking is not
/// reliable across hosts or network file systems.
public final class SQLiteStorage: TelegateStorage {
    let engine: SQLiteEngine
    public let configuration: any ConfigurationStore
    public let users: any UserStore
    public let links: any ProviderLinkStore
    public let signingKeys: any SigningKeyStore
    public let refreshTokens: any RefreshTokenStore
    public let audit: any AuditStore
    public let adminTokens: any AdminTokenStore

    /// Opens (creating when needed) the database at `path`, creating its directory.
    public init(path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            engine = try SQLiteEngine(path: path)
        } catch let failure as SQLiteFailure {
            throw failure.telegateError
        }
        configuration = SQLiteConfigurationStore(engine: engine)
        users = SQLiteUserStore(engine: engine)
        links = SQLiteProviderLinkStore(engine: engine)
        signingKeys = SQLiteSigningKeyStore(engine: engine)
        refreshTokens = SQLiteRefreshTokenStore(engine: engine)
        audit = SQLiteAuditStore(engine: engine)
        adminTokens = SQLiteAdminTokenStore(engine: engine)
    }

    @discardableResult
    public func migrate() async throws -> [Int] {
        try engine.administer { handle in
            try handle.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
            let applied = Set(try handle.query("SELECT version FROM schema_migrations").compactMap { $0.integer(0) })
            var done: [Int] = []
            for migration in SQLiteSchema.migrations where !applied.contains(Int64(migration.version)) {
                try handle.execute("BEGIN IMMEDIATE")
                do {
                    try handle.execute(migration.sql)
                    try handle.run(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                        [.integer(Int64(migration.version)), .integer(Int64(Date().timeIntervalSince1970))])
                    try handle.execute("COMMIT")
                } catch {
                    try? handle.execute("ROLLBACK")
                    throw error
                }
                done.append(migration.version)
            }
            return done
        }
    }

    public func isReachable() async -> Bool {
        (try? await engine.read { try $0.query("SELECT 1").count == 1 }) ?? false
    }

    /// Moves every logged page into the database file and empties the log, so a database that was closed cleanly is
    /// complete in its one file and the next open has nothing to copy.
    public func close() async throws {
        engine.close()
    }

    /// `nil`: SQLite runs in this process and shares its clock.
    public func databaseTime() async throws -> Double? { nil }
}
