import Foundation
import TelegateCore
import TelegateSQL

/// The embedded SQLite engine behind the store protocols: one file, WAL, `synchronous=FULL`, group commit.
///
/// Meant for one process on one host. Several Telegate instances need PostgreSQL: SQLite's locking is not
/// reliable across hosts or network file systems.
public final class SQLiteStorage: SQLStorage, TelegateStorage, @unchecked Sendable {
    // Safety: adds one `let` of a `Sendable` type to ``SQLStorage``'s.
    let engine: SQLiteEngine

    /// Opens (creating when needed) the database at `path`, creating its directory.
    public init(path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            engine = try SQLiteEngine(path: path)
        } catch let failure as SQLiteFailure {
            throw failure.telegateError
        }
        super.init(database: engine)
    }

    /// Applies pending migrations in one write transaction.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await engine.write { try await SQLSchema.migrate($0) }
    }

    public func isReachable() async -> Bool {
        (try? await engine.read("SELECT 1").count == 1) ?? false
    }

    /// Moves every logged page into the database file and empties the log, so a database that was closed cleanly is
    /// complete in its one file and the next open has nothing to copy.
    public func close() async throws {
        await engine.close()
    }

    /// `nil`: SQLite runs in this process and shares its clock.
    public func databaseTime() async throws -> Double? { nil }
}
