import Foundation
import TelegateCore
import TelegatePostgres
import TelegateSQLite
import Testing

/// An engine behind the store protocols. Every conformance test takes one as its argument and runs once per
/// available engine, each time against a fresh, migrated, empty database.
enum StorageEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// The embedded engine: a new database file per test.
    case sqlite
    /// PostgreSQL at `TELEGATE_TEST_POSTGRES_URL`: a schema of its own per test, dropped afterwards, so tests running
    /// in parallel never see each other's rows.
    case postgres

    /// The database the PostgreSQL engine is tested against: `TELEGATE_TEST_POSTGRES_URL`, when set.
    static let postgresURL: String? = ProcessInfo.processInfo.environment["TELEGATE_TEST_POSTGRES_URL"]
        .flatMap { $0.isEmpty ? nil : $0 }

    /// The engines to run the suite against here.
    static var available: [StorageEngine] {
        if postgresURL == nil { _ = reportPostgresSkipped }
        return allCases.filter(\.isAvailable)
    }

    /// Said once per test run, so a run without PostgreSQL is visibly not a PostgreSQL run.
    private static let reportPostgresSkipped: Void = {
        FileHandle.standardError.write(
            Data("note: TELEGATE_TEST_POSTGRES_URL is not set; the store suite runs on SQLite only, PostgreSQL is skipped\n".utf8))
    }()

    /// Whether this engine can be tested here.
    var isAvailable: Bool {
        switch self {
        case .sqlite: true
        case .postgres: Self.postgresURL != nil
        }
    }

    var testDescription: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// How the tests reach PostgreSQL: a small pool (the suite runs many stores at once) and a deadline far above
    /// what any operation needs even when operations queue for the pool on a busy machine (a test's concurrent saves
    /// wait behind each other), so it only bounds how long a hung test waits and never turns a queue into
    /// `storage_unavailable`.
    static func postgresSettings() throws -> PostgresSettings {
        guard let url = postgresURL else { throw PostgresUnavailable() }
        var settings = try PostgresSettings(url: url)
        settings.poolSize = 4
        settings.statementTimeout = .seconds(120)
        return settings
    }

    /// A fresh, migrated, empty storage, and what removes it once the test is done.
    func makeStorage() async throws -> (storage: any TelegateStorage, dispose: @Sendable () async -> Void) {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-store-\(UUID().uuidString)")
            let storage = try SQLiteStorage(path: directory.appendingPathComponent("telegate.sqlite").path)
            try await storage.migrate()
            return (storage, {
                try? await storage.close()
                try? FileManager.default.removeItem(at: directory)
            })
        case .postgres:
            var settings = try Self.postgresSettings()
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            settings.schema = schema
            let storage = PostgresStorage(settings: settings)
            try await storage.migrate()
            let opened = settings
            return (storage, {
                try? await storage.close()
                var admin = opened
                admin.schema = nil
                admin.poolSize = 1
                let cleaner = PostgresStorage(settings: admin)
                try? await cleaner.dropSchema(schema)
                try? await cleaner.close()
            })
        }
    }
}

/// Thrown when a PostgreSQL test runs without `TELEGATE_TEST_POSTGRES_URL`.
struct PostgresUnavailable: Error {}

/// Runs `body` with a fresh, migrated, empty storage of `engine`, removing it afterwards.
func withStorage<T>(_ engine: StorageEngine, _ body: (any TelegateStorage) async throws -> T) async throws -> T {
    let (storage, dispose) = try await engine.makeStorage()
    do {
        let result = try await body(storage)
        await dispose()
        return result
    } catch {
        await dispose()
        throw error
    }
}
