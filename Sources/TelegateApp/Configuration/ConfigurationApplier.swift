import StrictJSON
import TelegateCore

/// Writes the apps of a configuration file into the database: the same rows the admin API writes, so the file
/// is just another way to configure.
///
/// Applying is idempotent: unchanged bots and adapters keep their stored rows, an unchanged app is not written at
/// all, so applying the same file twice changes nothing the second time. Bots and adapters the file does not name
/// are kept (they may have been added through the admin API) unless `prune` is set; apps the file does not name
/// are deleted only with `prune`.
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

    /// Applies `apps` (see ``plan(_:prune:)``); returns what changed.
    @discardableResult
    public func apply(_ apps: [TelegateConfiguration.App], prune: Bool = false) async throws -> ConfigurationPlan {
        let plan = try await plan(apps, prune: prune)
        try await apply(plan)
        return plan
    }

    /// Writes a plan.
    public func apply(_ plan: ConfigurationPlan) async throws {
        for app in plan.saves { try await storage.configuration.save(app) }
        for id in plan.deletions { _ = try await storage.configuration.deleteApp(id) }
    }

    /// What applying `apps` would change, without changing anything.
    public func plan(_ apps: [TelegateConfiguration.App], prune: Bool) async throws -> ConfigurationPlan {
        var plan = ConfigurationPlan()
        for app in apps {
            let existing = try await storage.configuration.app(app.settings.id)
            var desired = try await storedApp(app, existing: existing)
            if let existing, !prune { keepUnnamed(of: existing, in: &desired) }
            // The store lists bots by id and adapters by name; compare in the same order.
            desired.bots.sort { $0.botID < $1.botID }
            desired.adapters.sort { $0.name < $1.name }
            plan.changes += ConfigurationPlan.changes(from: existing, to: desired)
            if desired != existing { plan.saves.append(desired) }
        }
        if prune {
            let named = Set(apps.map(\.settings.id))
            for app in try await storage.configuration.apps() where !named.contains(app.settings.id) {
                plan.deletions.append(app.settings.id)
                plan.changes.append(.init(.removed, "app \(app.settings.id)"))
            }
        }
        return plan
    }

    /// The stored form of a configured app, reusing unchanged sealed rows of `existing`.
    private func storedApp(_ app: TelegateConfiguration.App, existing: StoredApp?) async throws -> StoredApp {
        let appID = app.settings.id
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

    /// Adds the stored bots and adapters that `desired` does not name; a default named by the file wins.
    private func keepUnnamed(of existing: StoredApp, in desired: inout StoredApp) {
        let fileHasDefaultBot = desired.bots.contains(where: \.isDefault)
        for var bot in existing.bots where !desired.bots.contains(where: { $0.botID == bot.botID }) {
            if fileHasDefaultBot { bot.isDefault = false }
            desired.bots.append(bot)
        }
        let fileHasDefaultAdapter = desired.adapters.contains(where: \.isDefault)
        for var adapter in existing.adapters where !desired.adapters.contains(where: { $0.name == adapter.name }) {
            if fileHasDefaultAdapter { adapter.isDefault = false }
            desired.adapters.append(adapter)
        }
    }
}

/// What applying a configuration changes: rows to write, apps to delete, and a readable diff.
public struct ConfigurationPlan: Sendable {
    /// One line of the diff.
    public struct Change: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable { case added = "+", changed = "~", removed = "-" }
        public let kind: Kind
        public let subject: String

        init(_ kind: Kind, _ subject: String) {
            self.kind = kind
            self.subject = subject
        }

        public var description: String { "\(kind.rawValue) \(subject)" }
    }

    public var changes: [Change] = []
    public var saves: [StoredApp] = []
    public var deletions: [AppID] = []

    /// Whether nothing would change.
    public var isEmpty: Bool { saves.isEmpty && deletions.isEmpty }

    static func changes(from old: StoredApp?, to new: StoredApp) -> [Change] {
        let id = new.settings.id
        guard let old else {
            return [Change(.added, "app \(id)")] + new.bots.map { Change(.added, "bot \(id)/\($0.botID)") }
                + new.adapters.map { Change(.added, "adapter \(id)/\($0.name) (\($0.kind))") }
        }
        var changes: [Change] = []
        if old.settings != new.settings { changes.append(Change(.changed, "app \(id) settings")) }
        for bot in new.bots {
            if let before = old.bots.first(where: { $0.botID == bot.botID }) {
                if before != bot { changes.append(Change(.changed, "bot \(id)/\(bot.botID)")) }
            } else {
                changes.append(Change(.added, "bot \(id)/\(bot.botID)"))
            }
        }
        for bot in old.bots where !new.bots.contains(where: { $0.botID == bot.botID }) {
            changes.append(Change(.removed, "bot \(id)/\(bot.botID)"))
        }
        for adapter in new.adapters {
            if let before = old.adapters.first(where: { $0.name == adapter.name }) {
                if before != adapter {
                    let fields = (AuditDiff.between(before.config, adapter.config).objectMembers ?? []).map(\.key)
                        .map { $0 == ConfigurationRows.fingerprintKey ? "secrets" : $0 }
                    let detail = fields.isEmpty ? "" : ": " + fields.joined(separator: ", ")
                    changes.append(Change(.changed, "adapter \(id)/\(adapter.name)\(detail)"))
                }
            } else {
                changes.append(Change(.added, "adapter \(id)/\(adapter.name) (\(adapter.kind))"))
            }
        }
        for adapter in old.adapters where !new.adapters.contains(where: { $0.name == adapter.name }) {
            changes.append(Change(.removed, "adapter \(id)/\(adapter.name)"))
        }
        return changes
    }
}
