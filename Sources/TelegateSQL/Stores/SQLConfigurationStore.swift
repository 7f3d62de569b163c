import Foundation
import StrictJSON
import TelegateCore
import TelegramAuth

struct SQLConfigurationStore: ConfigurationStore {
    let database: any SQLDatabase

    func apps() async throws -> [StoredApp] {
        try await database.read { session in
            var apps: [StoredApp] = []
            for row in try await session.query("SELECT id FROM apps ORDER BY id") {
                if let id = row.text(0).flatMap(AppID.init(rawValue:)), let app = try await Self.load(id, session) {
                    apps.append(app)
                }
            }
            return apps
        }
    }

    func app(_ id: AppID) async throws -> StoredApp? {
        try await database.read { try await Self.load(id, $0) }
    }

    func apply(saving apps: [StoredApp], deleting ids: [AppID]) async throws {
        guard !apps.isEmpty || !ids.isEmpty else { return }
        try await database.write { session in
            for app in apps { try await Self.write(app, session) }
            for id in ids { try await session.query("DELETE FROM apps WHERE id = \(id.rawValue)") }
            try await session.query("UPDATE config_revision SET revision = revision + 1 WHERE id = 1")
        }
    }

    func deleteApp(_ id: AppID) async throws -> Bool {
        try await database.write { session in
            let deleted = try await session.query("DELETE FROM apps WHERE id = \(id.rawValue) RETURNING 1")
            if !deleted.isEmpty { try await session.query("UPDATE config_revision SET revision = revision + 1 WHERE id = 1") }
            return !deleted.isEmpty
        }
    }

    func revision() async throws -> Int64 {
        try await database.read("SELECT revision FROM config_revision WHERE id = 1").first?.integer(0) ?? 0
    }

    /// Writes one app's rows inside the caller's transaction.
    private static func write(_ app: StoredApp, _ session: any SQLSession) async throws {
        let id = app.settings.id.rawValue
        let now = Int64(Date.now.timeIntervalSince1970)
        try await session.query(
            """
            INSERT INTO apps (id, settings, created_at, updated_at)
            VALUES (\(id), \(StoredAppSettingsJSON.encode(app)), \(now), \(now))
            ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at
            """)
        try await session.query("DELETE FROM bots WHERE app_id = \(id)")
        for bot in app.bots {
            var mode = "third_party"
            var environment: String?
            var sealed: String?
            var reference: String?
            var fingerprint: String?
            var lastFour: String?
            switch bot.mode {
            case .token(let keys, let ref, let print, let four):
                mode = "token"
                (sealed, reference, fingerprint, lastFour) = (keys, ref, print, four)
            case .thirdParty(let env):
                environment = env.rawValue
            }
            let algorithms = bot.oidcAlgorithms.map(\.rawValue).joined(separator: ",")
            let secret = bot.oidcClientSecret
            try await session.query(
                """
                INSERT INTO bots (app_id, bot_id, label, is_default, mode, environment, sealed_keys, token_reference,
                    token_fingerprint, token_last_four, oidc_algorithms, require_nonce, oidc_client_secret_reference,
                    sealed_oidc_client_secret, oidc_client_secret_fingerprint, username, api_url, api_allow_insecure_loopback,
                    api_allow_private_networks, sealed_token)
                VALUES (\(id), \(bot.botID), \(bot.label), \(bot.isDefault), \(mode), \(environment), \(sealed),
                    \(reference), \(fingerprint), \(lastFour), \(algorithms), \(bot.requireNonce), \(secret?.reference),
                    \(secret?.sealed), \(secret?.fingerprint), \(bot.username), \(bot.api.url), \(bot.api.allowInsecureLoopback),
                    \(bot.api.allowPrivateNetworks), \(bot.sealedToken))
                """)
        }
        try await session.query("DELETE FROM adapters WHERE app_id = \(id)")
        for adapter in app.adapters {
            try await session.query(
                """
                INSERT INTO adapters (app_id, name, kind, is_default, config, sealed_secrets)
                VALUES (\(id), \(adapter.name.rawValue), \(adapter.kind), \(adapter.isDefault),
                    \(adapter.config.serialized), \(adapter.sealedSecrets))
                """)
        }
        try await writeClients(app.clients, appID: id, now: now, session)
        try await writeWebhooks(app.webhooks, appID: app.settings.id, now: now, session)
    }

    /// Replaces the app's webhook endpoints with `webhooks`: an unchanged endpoint keeps its row, a changed one its
    /// creation time and whether it is disabled (delivery state, not configuration), a removed one goes with its
    /// subscriptions and deliveries.
    private static func writeWebhooks(_ webhooks: [StoredWebhook], appID: AppID, now: Int64, _ session: any SQLSession)
        async throws
    {
        // The events before this change are fanned out with the endpoints and subscriptions of their time.
        try await SQLEventOutbox.fanOut(in: session)
        let stored = Dictionary(
            try await loadWebhooks(appID, session).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let kept = Set(webhooks.map(\.id))
        for id in stored.keys.sorted() where !kept.contains(id) {
            try await session.query("DELETE FROM webhook_endpoints WHERE id = \(id.rawValue)")
        }
        for webhook in webhooks {
            var comparable = webhook
            comparable.disabled = stored[webhook.id]?.disabled
            guard stored[webhook.id] != comparable else { continue }
            let id = webhook.id.rawValue
            try await session.query(
                """
                INSERT INTO webhook_endpoints (id, app_id, url, allow_insecure_loopback, allow_private_networks,
                    sealed_secret, secret_fingerprint, secret_reference, previous_sealed_secret,
                    previous_secret_expires_at, description, created_at, updated_at, fanned_out_seq)
                VALUES (\(id), \(appID.rawValue), \(webhook.url), \(webhook.allowInsecureLoopback),
                    \(webhook.allowPrivateNetworks), \(webhook.secret.sealed), \(webhook.secret.fingerprint),
                    \(webhook.secret.reference), \(webhook.previousSecret?.sealed), \(webhook.previousSecret?.expiresAt),
                    \(webhook.description), \(now), \(now), \(schema: .fanOutCursorStart))
                ON CONFLICT (id) DO UPDATE SET url = excluded.url,
                    allow_insecure_loopback = excluded.allow_insecure_loopback,
                    allow_private_networks = excluded.allow_private_networks, sealed_secret = excluded.sealed_secret,
                    secret_fingerprint = excluded.secret_fingerprint, secret_reference = excluded.secret_reference,
                    previous_sealed_secret = excluded.previous_sealed_secret,
                    previous_secret_expires_at = excluded.previous_secret_expires_at,
                    description = excluded.description, updated_at = excluded.updated_at
                WHERE webhook_endpoints.app_id = excluded.app_id
                """)
            try await session.query("DELETE FROM webhook_subscriptions WHERE endpoint_id = \(id)")
            for type in Set(webhook.events).sorted() {
                try await session.query(
                    "INSERT INTO webhook_subscriptions (endpoint_id, event_type) VALUES (\(id), \(type.rawValue))")
            }
        }
    }

    /// `appID`'s webhook endpoints, by id, their subscriptions sorted.
    private static func loadWebhooks(_ appID: AppID, _ session: any SQLSession) async throws -> [StoredWebhook] {
        var subscriptions: [String: [EventType]] = [:]
        for row in try await session.query(
            """
            SELECT s.endpoint_id, s.event_type FROM webhook_subscriptions s JOIN webhook_endpoints e ON e.id = s.endpoint_id
            WHERE e.app_id = \(appID.rawValue) ORDER BY s.endpoint_id, s.event_type
            """)
        {
            if let id = row.text(0), let type = row.text(1).flatMap(EventType.init(rawValue:)) {
                subscriptions[id, default: []].append(type)
            }
        }
        return try await session.query(
            """
            SELECT id, url, allow_insecure_loopback, allow_private_networks, sealed_secret, secret_fingerprint,
                secret_reference, previous_sealed_secret, previous_secret_expires_at, description, disabled_at,
                disabled_reason
            FROM webhook_endpoints WHERE app_id = \(appID.rawValue) ORDER BY id
            """
        ).compactMap { row in StoredWebhook(row: row, events: row.text(0).flatMap { subscriptions[$0] } ?? []) }
    }

    /// Replaces the app's OAuth clients with `clients`; an unchanged client keeps its row and times, a changed one
    /// keeps its creation time.
    private static func writeClients(_ clients: [StoredClient], appID id: String, now: Int64, _ session: any SQLSession)
        async throws
    {
        var stored: [String: (spec: String?, digest: [UInt8]?)] = [:]
        for row in try await session.query("SELECT client_id, spec, secret_digest FROM oauth_clients WHERE app_id = \(id)") {
            if let clientID = row.text(0) { stored[clientID] = (row.text(1), row.blob(2)) }
        }
        let kept = Set(clients.map(\.spec.id.rawValue))
        for clientID in stored.keys.sorted() where !kept.contains(clientID) {
            try await session.query("DELETE FROM oauth_clients WHERE app_id = \(id) AND client_id = \(clientID)")
        }
        for client in clients {
            let clientID = client.spec.id.rawValue
            let spec = SpecFormat.file.encode(client.spec).serialized
            let digest = client.secretDigest.map(SQLValue.blob) ?? .null
            if let existing = stored[clientID] {
                guard existing.spec != spec || existing.digest != client.secretDigest else { continue }
                try await session.query(
                    """
                    UPDATE oauth_clients SET spec = \(spec), secret_digest = \(digest), updated_at = \(now)
                    WHERE app_id = \(id) AND client_id = \(clientID)
                    """)
            } else {
                try await session.query(
                    """
                    INSERT INTO oauth_clients (app_id, client_id, spec, secret_digest, created_at, updated_at)
                    VALUES (\(id), \(clientID), \(spec), \(digest), \(now), \(now))
                    """)
            }
        }
    }

    private static func load(_ id: AppID, _ session: any SQLSession) async throws -> StoredApp? {
        guard let row = try await session.query("SELECT settings FROM apps WHERE id = \(id.rawValue)").first,
            let json = row.text(0).flatMap({ try? JSONValue.parse($0) })
        else { return nil }
        let settings = StoredAppSettingsJSON.decode(json, id: id)
        let declared = StoredAppSettingsJSON.declared(json)
        let bots = try await session.query(
            """
            SELECT bot_id, label, is_default, mode, environment, sealed_keys, token_reference, token_fingerprint,
                token_last_four, oidc_algorithms, require_nonce, oidc_client_secret_reference, sealed_oidc_client_secret,
                oidc_client_secret_fingerprint, username, api_url, api_allow_insecure_loopback, api_allow_private_networks,
                sealed_token
            FROM bots WHERE app_id = \(id.rawValue) ORDER BY bot_id
            """
        ).map(StoredBot.init(row:))
        let adapters = try await session.query(
            "SELECT name, kind, is_default, config, sealed_secrets FROM adapters WHERE app_id = \(id.rawValue) ORDER BY name"
        ).compactMap(StoredAdapter.init(row:))
        let clients = try await session.query(
            "SELECT spec, secret_digest FROM oauth_clients WHERE app_id = \(id.rawValue) ORDER BY client_id"
        ).compactMap(StoredClient.init(row:))
        let webhooks = try await loadWebhooks(id, session)
        return StoredApp(
            settings: settings, bots: bots, adapters: adapters, clients: clients, webhooks: webhooks, declared: declared)
    }
}

extension StoredBot {
    /// A row of the `bots` columns ``SQLConfigurationStore`` selects.
    init(row: any SQLRow) {
        let mode: StoredBot.Mode =
            row.text(3) == "token"
            ? .token(
                sealedKeys: row.text(5) ?? "", reference: row.text(6), fingerprint: row.text(7) ?? "",
                lastFour: row.text(8) ?? "")
            : .thirdParty(environment: TelegramEnvironment(rawValue: row.text(4) ?? "") ?? .production)
        self.init(
            botID: row.integer(0) ?? 0, label: row.text(1), username: row.text(14), isDefault: row.bool(2), mode: mode,
            oidcAlgorithms: (row.text(9) ?? "").split(separator: ",").compactMap { JWSAlgorithm(rawValue: String($0)) },
            requireNonce: row.bool(10),
            oidcClientSecret: row.text(11).flatMap { reference in
                row.text(12).map { SealedBotSecret(reference: reference, sealed: $0, fingerprint: row.text(13) ?? "") }
            },
            api: BotAPIEndpoint(url: row.text(15), allowInsecureLoopback: row.bool(16), allowPrivateNetworks: row.bool(17)),
            sealedToken: row.text(18))
    }
}

extension StoredAdapter {
    /// A row of the `adapters` columns ``SQLConfigurationStore`` selects.
    init?(row: any SQLRow) {
        guard let name = row.text(0).flatMap(AdapterName.init(rawValue:)) else { return nil }
        self.init(
            name: name, kind: row.text(1) ?? "", isDefault: row.bool(2),
            config: row.text(3).flatMap { try? JSONValue.parse($0) } ?? .object([]), sealedSecrets: row.text(4))
    }
}

extension StoredClient {
    /// A row of the `oauth_clients` columns ``SQLConfigurationStore`` selects.
    init?(row: any SQLRow) {
        guard let json = row.text(0).flatMap({ try? JSONValue.parse($0) }),
            let spec = try? SpecFormat.file.decode(ClientSpec.self, from: json)
        else { return nil }
        self.init(spec: spec, secretDigest: row.blob(1))
    }
}

extension StoredWebhook {
    /// A row of the `webhook_endpoints` columns ``SQLConfigurationStore`` selects, subscribing to `events`.
    init?(row: any SQLRow, events: [EventType]) {
        guard let id = row.text(0).flatMap(WebhookID.init(rawValue:)), let url = row.text(1), let sealed = row.text(4)
        else { return nil }
        self.init(
            id: id, url: url, events: events.sorted(), description: row.text(9), allowInsecureLoopback: row.bool(2),
            allowPrivateNetworks: row.bool(3),
            secret: SealedWebhookSecret(reference: row.text(6), sealed: sealed, fingerprint: row.text(5) ?? ""),
            previousSecret: row.text(7).flatMap { previous in
                row.integer(8).map { PreviousWebhookSecret(sealed: previous, expiresAt: $0) }
            },
            disabled: row.integer(10).map { WebhookDisabling(at: $0, reason: row.text(11) ?? "") })
    }
}
