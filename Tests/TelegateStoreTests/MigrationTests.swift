import Foundation
import Testing

@testable import TelegateStore

@Suite("SQLite migrations")
struct MigrationTests {
    @Test("Migrations apply once, in order, and a second run applies nothing")
    func migrateTwice() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-\(UUID().uuidString)/db.sqlite").path
        let storage = try SQLiteStorage(path: path)
        #expect(try await storage.migrate() == SQLiteSchema.migrations.map(\.version))
        #expect(try await storage.migrate() == [])
        #expect(await storage.isReachable())
    }
}
