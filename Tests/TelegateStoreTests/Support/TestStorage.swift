import Foundation
import TelegateCore
import TelegateStore
import Testing

/// An engine behind the store protocols. Every conformance test takes one as its argument and runs once per
/// available engine, each time against a fresh, migrated, empty database.
enum StorageEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// The embedded engine: a new database file per test.
    case sqlite
    // The PostgreSQL engine joins here: `case postgres`, available when `postgresURL` is set, opened in
    // `makeStorage()` on a schema of its own per test, which `dispose` drops.

    /// The database the PostgreSQL engine is tested against: `TELEGATE_TEST_POSTGRES_URL`, when set.
    static let postgresURL: String? = ProcessInfo.processInfo.environment["TELEGATE_TEST_POSTGRES_URL"]
        .flatMap { $0.isEmpty ? nil : $0 }

    /// The engines to run the suite against here.
    static var available: [StorageEngine] { allCases.filter(\.isAvailable) }

    /// Whether this engine can be tested here.
    var isAvailable: Bool {
        switch self {
        case .sqlite: true
        }
    }

    var testDescription: String {
        switch self {
        case .sqlite: "SQLite"
        }
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
        }
    }
}

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
