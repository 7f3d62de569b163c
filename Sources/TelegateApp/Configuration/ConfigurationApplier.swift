import TelegateCore

/// Writes the apps of a configuration file into the database: the same rows the admin API writes, so the file
/// is just another way to configure.
public struct ConfigurationApplier: Sendable {
    private let storage: any TelegateStorage
    private let rows: ConfigurationRows
    private let environment: [String: String]

    /// Creates an applier.
    public init(storage: any TelegateStorage, rows: ConfigurationRows, environment: [String: String]) {
        self.storage = storage
        self.rows = rows
        self.environment = environment
    }

    /// Creates or replaces each configured app (apps the file does not mention are left alone).
    public func apply(_ apps: [TelegateConfiguration.App]) async throws {
        for app in apps {
            try await storage.configuration.save(try await storedApp(app))
        }
    }

    /// The stored form of a configured app, reusing unchanged sealed rows.
    public func storedApp(_ app: TelegateConfiguration.App) async throws -> StoredApp {
        let appID = app.settings.id
        let existing = try await storage.configuration.app(appID)
        var bots: [StoredBot] = []
        for bot in app.bots {
            if let reference = bot.token {
                let token = try reference.resolve(environment: environment)
                let botID = Int64(token.split(separator: ":").first ?? "") ?? 0
                bots.append(
                    try rows.tokenBot(
                        appID: appID, token: token, reference: reference.description, label: bot.label,
                        isDefault: bot.isDefault, oidcAlgorithms: bot.oidcAlgorithms, requireNonce: bot.requireNonce,
                        existing: existing?.bots.first { $0.botID == botID }))
            } else if let id = bot.id {
                guard id > 0 else { throw ConfigurationError("bot ids are positive integers") }
                bots.append(
                    StoredBot(
                        botID: id, label: bot.label, isDefault: bot.isDefault,
                        mode: .thirdParty(environment: bot.environment), oidcAlgorithms: bot.oidcAlgorithms,
                        requireNonce: bot.requireNonce))
            }
        }
        if Set(bots.map(\.botID)).count != bots.count {
            throw ConfigurationError("app \(appID) configures the same bot twice")
        }
        let adapters = try app.adapters.map { adapter in
            try rows.adapter(
                appID: appID, name: adapter.name, kind: adapter.kind, isDefault: adapter.isDefault, config: adapter.config,
                existing: existing?.adapters.first { $0.name == adapter.name })
        }
        return StoredApp(settings: app.settings, bots: bots, adapters: adapters)
    }
}
