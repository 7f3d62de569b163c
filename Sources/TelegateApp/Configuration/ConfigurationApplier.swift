import StrictJSON
import TelegateCore
import TelegateRuntime

/// Writes the apps of a configuration file into the database: the same rows the admin API writes, so the file
/// is just another way to configure.
///
/// The file reconciles, it does not accumulate. A bot is identified by its bot id (the number before `:` in its
/// token, or the configured `id`): a new token for the same bot replaces the sealed keys. The bots, adapters and
/// clients the file declared when it was last applied are the file's: when it stops naming one, applying it removes
/// the row. Bots, adapters and clients added through the admin API are kept unless `prune` is set; apps the file does not name are
/// deleted only with `prune`.
///
/// Applying is idempotent: unchanged bots and adapters keep their stored rows, an unchanged app is not written at
/// all, so applying the same file twice changes nothing the second time. And it is atomic: every app is resolved,
/// sealed and compiled before anything is written, then all changes are written in one transaction, so a file that
/// fails leaves the database exactly as it was.
public struct ConfigurationApplier: Sendable {
    private let services: TelegateServices
    private let rows: ConfigurationRows
    private let environment: [String: String]

    /// An applier writing through `services`; `environment` resolves the file's secret references.
    public init(services: TelegateServices, environment: [String: String]) {
        self.services = services
        self.rows = ConfigurationRows(box: services.secretBox, registry: services.registry, environment: environment)
        self.environment = environment
    }

    /// Applies `apps` (see ``plan(_:prune:)``); returns what changed.
    @discardableResult
    public func apply(_ apps: [AppSpec], prune: Bool = false) async throws -> ConfigurationPlan {
        let plan = try await plan(apps, prune: prune)
        try await apply(plan)
        return plan
    }

    /// Writes a plan, in one transaction.
    public func apply(_ plan: ConfigurationPlan) async throws {
        try await services.storage.configuration.apply(saving: plan.saves, deleting: plan.deletions)
    }

    /// What applying `apps` would change, without changing anything. Every app the database would then hold is
    /// compiled, so a plan that returns can be written.
    public func plan(_ apps: [AppSpec], prune: Bool) async throws -> ConfigurationPlan {
        var plan = ConfigurationPlan()
        let stored = try await services.storage.configuration.apps()
        for app in apps {
            let existing = stored.first { $0.settings.id == app.settings.id }
            var desired = try await storedApp(app, existing: existing)
            if let existing { keepUndeclared(of: existing, in: &desired, prune: prune) }
            // The store lists bots by id and adapters by name; compare in the same order.
            desired.bots.sort { $0.botID < $1.botID }
            desired.adapters.sort { $0.name < $1.name }
            desired.clients.sort { $0.spec.id < $1.spec.id }
            desired.webhooks.sort { $0.id < $1.id }
            plan.changes += ConfigurationPlan.changes(from: existing, to: desired)
            if desired != existing { plan.saves.append(desired) }
        }
        if prune {
            let named = Set(apps.map(\.settings.id))
            for app in stored where !named.contains(app.settings.id) {
                plan.deletions.append(app.settings.id)
                plan.changes.append(.init(.removed, "app \(app.settings.id)"))
            }
        }
        try validate(plan, stored: stored)
        return plan
    }

    /// Compiles every app the database would hold after `plan`, opening each sealed value: whatever would keep an
    /// app from running fails here, before anything is written.
    private func validate(_ plan: ConfigurationPlan, stored: [StoredApp]) throws {
        let builder = RuntimeBuilder(services: services)
        let saved = Set(plan.saves.map(\.settings.id))
        let kept = stored.filter { !saved.contains($0.settings.id) && !plan.deletions.contains($0.settings.id) }
        for app in plan.saves + kept { _ = try builder.build(app) }
    }

    /// The stored form of a configured app, validated, reusing unchanged sealed rows of `existing`.
    private func storedApp(_ app: AppSpec, existing: StoredApp?) async throws -> StoredApp {
        try app.validate()
        let appID = app.settings.id
        var bots: [StoredBot] = []
        for bot in app.bots {
            try rows.checkBotAPI(bot)
            var stored: StoredBot
            if let reference = bot.token {
                let token = try reference.resolve(environment: environment)
                let botID = Int64(token.split(separator: ":").first ?? "") ?? 0
                stored = bot.settings(
                    of: try rows.tokenBot(
                        appID: appID, token: token, reference: reference.description,
                        existing: existing?.bots.first { $0.botID == botID }))
            } else if let id = bot.id {
                stored = bot.settings(of: StoredBot(botID: id, mode: .thirdParty(environment: bot.environment ?? .production)))
            } else {
                continue
            }
            stored = try rows.oidcClientSecret(
                bot.oidc.clientSecret, appID: appID, bot: stored, existing: existing?.bots.first { $0.botID == stored.botID })
            if bots.contains(where: { $0.botID == stored.botID }) {
                throw TelegateError(
                    .duplicateBot,
                    "app \(appID) lists bot \(stored.botID) twice; a bot is identified by its id (the number before : in "
                        + "its token), so list each bot once")
            }
            bots.append(stored)
        }
        let adapters = try app.adapters.map { adapter in
            try rows.adapter(adapter, appID: appID, existing: existing?.adapters.first { $0.name == adapter.name })
        }
        let clients = try app.clients.map { client in
            try rows.client(client, appID: appID, existing: existing?.clients.first { $0.spec.id == client.id })
        }
        // The file names an endpoint by its url: the endpoint keeps its id (and its queued deliveries) across applies.
        let now = services.clock.now
        let webhooks = try app.webhooks.enumerated().map { index, spec in
            let existing = existing?.webhooks.first { $0.url == spec.url }
            do {
                return try rows.webhook(
                    spec, id: existing?.id ?? .generate(milliseconds: UInt64(max(now, 0)) * 1000 + UInt64(index)),
                    appID: appID, existing: existing, now: now)
            } catch let error as TelegateError {
                throw TelegateError(error.code, "app \(appID) webhooks[\(index)]: \(error.message)", reason: error.reason)
            }
        }
        return StoredApp(
            settings: app.settings, bots: bots, adapters: adapters, clients: clients, webhooks: webhooks,
            declared: DeclaredRows(
                bots: Set(bots.map(\.botID)), adapters: Set(adapters.map(\.name)), clients: Set(clients.map(\.spec.id)),
                webhooks: Set(webhooks.map(\.id))))
    }

    /// Adds the stored bots, adapters and clients that `desired` does not name and that the file did not declare before
    /// (they were added through the admin API); with `prune`, none. A default named by the file wins.
    private func keepUndeclared(of existing: StoredApp, in desired: inout StoredApp, prune: Bool) {
        guard !prune else { return }
        let fileHasDefaultBot = desired.bots.contains(where: \.isDefault)
        for var bot in existing.bots
        where !existing.declared.bots.contains(bot.botID) && !desired.bots.contains(where: { $0.botID == bot.botID }) {
            if fileHasDefaultBot { bot.isDefault = false }
            desired.bots.append(bot)
        }
        let fileHasDefaultAdapter = desired.adapters.contains(where: \.isDefault)
        for var adapter in existing.adapters
        where !existing.declared.adapters.contains(adapter.name) && !desired.adapters.contains(where: { $0.name == adapter.name }) {
            if fileHasDefaultAdapter { adapter.isDefault = false }
            desired.adapters.append(adapter)
        }
        for client in existing.clients
        where !existing.declared.clients.contains(client.spec.id) && !desired.clients.contains(where: { $0.spec.id == client.spec.id }) {
            desired.clients.append(client)
        }
        for webhook in existing.webhooks
        where !existing.declared.webhooks.contains(webhook.id) && !desired.webhooks.contains(where: { $0.id == webhook.id }) {
            desired.webhooks.append(webhook)
        }
    }
}

extension TelegateError.Code {
    /// An app of the configuration file lists the same bot twice.
    static let duplicateBot = Self("duplicate_bot", status: 422)
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
        var changes: [Change] = []
        if let old {
            if old.settings != new.settings { changes.append(Change(.changed, "app \(id) settings")) }
        } else {
            changes.append(Change(.added, "app \(id)"))
        }
        changes += rowChanges(
            old.map { ($0.bots, $0.declared.bots) }, (new.bots, new.declared.bots), key: \.botID,
            name: { "bot \(id)/\($0.botID)" }, addedDetail: { _ in "" }, changedDetail: { _, _ in "" })
        changes += rowChanges(
            old.map { ($0.adapters, $0.declared.adapters) }, (new.adapters, new.declared.adapters), key: \.name,
            name: { "adapter \(id)/\($0.name)" }, addedDetail: { " (\($0.kind))" },
            changedDetail: { before, adapter in
                let fields = (AuditDiff.between(before.config, adapter.config).objectMembers ?? []).map(\.key)
                    .map { $0 == StoredAdapter.fingerprintKey ? "secrets" : $0 }
                return fields.isEmpty ? "" : ": " + fields.joined(separator: ", ")
            })
        changes += rowChanges(
            old.map { ($0.clients, $0.declared.clients) }, (new.clients, new.declared.clients), key: \.spec.id,
            name: { "client \(id)/\($0.spec.id)" }, addedDetail: { $0.secretDigest == nil ? " (public)" : "" },
            changedDetail: { before, client in before.secretDigest != client.secretDigest ? ": secret" : "" })
        changes += rowChanges(
            old.map { ($0.webhooks, $0.declared.webhooks) }, (new.webhooks, new.declared.webhooks), key: \.id,
            name: { "webhook \(id)/\($0.url)" }, addedDetail: { _ in "" },
            changedDetail: { before, webhook in before.secret != webhook.secret ? ": secret" : "" })
        return changes
    }

    /// The changes of one kind of row (bots, adapters or clients), each row found by `key`: rows added, changed, newly
    /// declared by the file, and removed.
    private static func rowChanges<Row: Equatable, Key: Hashable>(
        _ old: (rows: [Row], declared: Set<Key>)?, _ new: (rows: [Row], declared: Set<Key>), key: (Row) -> Key,
        name: (Row) -> String, addedDetail: (Row) -> String, changedDetail: (Row, Row) -> String
    ) -> [Change] {
        let oldRows = old?.rows ?? []
        var changes: [Change] = []
        for row in new.rows {
            if let before = oldRows.first(where: { key($0) == key(row) }) {
                if before != row {
                    changes.append(Change(.changed, name(row) + changedDetail(before, row)))
                } else if new.declared.contains(key(row)), old?.declared.contains(key(row)) == false {
                    changes.append(Change(.changed, name(row) + ": declared by the file"))
                }
            } else {
                changes.append(Change(.added, name(row) + addedDetail(row)))
            }
        }
        for row in oldRows where !new.rows.contains(where: { key($0) == key(row) }) {
            changes.append(Change(.removed, name(row)))
        }
        return changes
    }
}
