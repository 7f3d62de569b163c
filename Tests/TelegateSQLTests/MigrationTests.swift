import Foundation
import TelegateSQL
import Testing

@testable import TelegateSQLite

@Suite("SQLite migrations")
struct MigrationTests {
    @Test("Migrations apply once, in order, and a second run applies nothing")
    func migrateTwice() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-\(UUID().uuidString)/db.sqlite").path
        let storage = try SQLiteStorage(path: path)
        #expect(try await storage.migrate() == SQLSchema.migrations.map(\.version))
        #expect(try await storage.migrate() == [])
        #expect(await storage.isReachable())
    }

    @Test("A database migrated by an earlier release (versions 1 to 4, no provider_links_by_user) gets only the new index")
    func migrateFromVersion4() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-\(UUID().uuidString)/db.sqlite").path
        let storage = try SQLiteStorage(path: path)
        try await storage.migrate()
        // What versions 1 to 4 left on SQLite.
        try await storage.engine.write { session in
            try await session.query("DROP INDEX provider_links_by_user")
            try await session.query("DELETE FROM schema_migrations WHERE version = 5")
        }
        #expect(try await storage.migrate() == [5])
        let index = try await storage.engine.read(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'provider_links_by_user'")
        #expect(index.count == 1)
        try await storage.close()
    }
}
