import Foundation
import TelegateCore
import TelegateSQL
import Testing

@testable import TelegatePostgres

@Suite("PostgreSQL engine")
struct PostgresEngineTests {
    @Test("A PostgreSQL URL gives host, port, user, database, TLS mode, schema, pool size and statement timeout")
    func parsesURL() throws {
        let settings = try PostgresSettings(
            url: "postgres://tg:p%40ss@db.internal:6432/telegate?sslmode=require&schema=tenant_a&pool_size=25&statement_timeout=9")
        #expect(settings.host == "db.internal")
        #expect(settings.port == 6432)
        #expect(settings.username == "tg")
        #expect(settings.password == "p@ss")
        #expect(settings.database == "telegate")
        #expect(settings.tls == .require)
        #expect(settings.schema == "tenant_a")
        #expect(settings.poolSize == 25)
        #expect(settings.statementTimeout == .seconds(9))

        let defaults = try PostgresSettings(url: "postgresql://telegate@localhost/telegate")
        #expect(defaults.port == 5432)
        #expect(defaults.tls == .prefer)
        #expect(defaults.poolSize == 10)
        #expect(defaults.statementTimeout == .seconds(5))
        #expect(defaults.schema == nil)
    }

    @Test("Invalid PostgreSQL URLs are refused without repeating the password")
    func refusesInvalidURLs() {
        for url in [
            "postgres://", "postgres://u:secret@h/db?sslmode=sometimes", "postgres://u:secret@h/db?schema=a;drop",
            "postgres://u:secret@h/db?pool_size=0", "postgres://u:secret@h/db?colour=blue", "mysql://u:secret@h/db",
        ] {
            #expect(throws: PostgresSettings.InvalidURL.self, "\(url)") { try PostgresSettings(url: url) }
            do {
                _ = try PostgresSettings(url: url)
            } catch {
                #expect(!"\(error)".contains("secret"))
            }
        }
    }

    @Test("Migrations apply once; a second run and a concurrent second instance apply nothing", .enabled(if: StorageEngine.postgresURL != nil))
    func migrateOnce() async throws {
        var settings = try StorageEngine.postgresSettings()
        settings.schema = "m_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let first = PostgresStorage(settings: settings)
        let second = PostgresStorage(settings: settings)
        let outcome: Result<(concurrent: [[Int]], again: [Int], empty: Bool), any Error>
        do {
            async let a = first.migrate()
            async let b = second.migrate()
            let concurrent = try await [a, b]
            outcome = .success((concurrent, try await first.migrate(), try await first.configuration.apps().isEmpty))
        } catch {
            outcome = .failure(error)
        }
        try? await first.dropSchema(try #require(settings.schema))
        try await first.close()
        try await second.close()
        let applied = try outcome.get()
        #expect(applied.concurrent.sorted { $0.count < $1.count } == [[], SQLSchema.migrations.map(\.version)])
        #expect(applied.again == [])
        #expect(applied.empty)
    }

    @Test("I6: an unreachable database is 503 storage_unavailable with Retry-After, and readiness fails, within the deadline")
    func unreachable() async throws {
        // A port nothing listens on.
        var settings = try PostgresSettings(url: "postgres://telegate@127.0.0.1:1/telegate?sslmode=disable&statement_timeout=1")
        settings.connectTimeout = .seconds(1)
        let storage = PostgresStorage(settings: settings)
        #expect(await storage.isReachable() == false)
        do {
            _ = try await storage.users.user(id: UserID.generate(milliseconds: 1_700_000_000_000))
            Issue.record("a read on an unreachable database succeeded")
        } catch let error as TelegateError {
            #expect(error.code == .storageUnavailable)
            #expect(error.status == 503)
            #expect(error.retryAfter != nil)
        }
        try await storage.close()
    }
}
