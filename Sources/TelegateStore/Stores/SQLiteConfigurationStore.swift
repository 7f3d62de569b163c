import Foundation
import StrictJSON
import TelegateCore
import TelegramAuth

struct SQLiteConfigurationStore: ConfigurationStore {
    let engine: SQLiteEngine

    func apps() async throws -> [StoredApp] {
        try await engine.read { handle in
            try handle.query("SELECT id FROM apps ORDER BY id").compactMap { row in
                try row.text(0).flatMap(AppID.init(rawValue:)).flatMap { try Self.load($0, handle) }
            }
        }
    }

    func app(_ id: AppID) async throws -> StoredApp? {
        try await engine.read { try Self.load(id, $0) }
    }

    func apply(saving apps: [StoredApp], deleting ids: [AppID]) async throws {
        guard !apps.isEmpty || !ids.isEmpty else { return }
        try await engine.write { handle in
            for app in apps { try Self.write(app, handle) }
            for id in ids { try handle.run("DELETE FROM apps WHERE id = ?", [.text(id.rawValue)]) }
            try handle.run("UPDATE config_revision SET revision = revision + 1 WHERE id = 1")
        }
    }

    func deleteApp(_ id: AppID) async throws -> Bool {
        try await engine.write { handle in
            let deleted = try handle.run("DELETE FROM apps WHERE id = ?", [.text(id.rawValue)])
            if deleted > 0 { try handle.run("UPDATE config_revision SET revision = revision + 1 WHERE id = 1") }
            return deleted > 0
        }
    }

    func revision() async throws -> Int64 {
        try await engine.read { try $0.query("SELECT revision FROM config_revision WHERE id = 1").first?.integer(0) ?? 0 }
    }

    /// Writes one app's rows inside the caller's transaction.
    private static func write(_ app: StoredApp, _ handle: SQLiteHandle) throws {
        let id = app.settings.id.rawValue
        let now = Int64(Date.now.timeIntervalSince1970)
        try handle.run(
            """
            INSERT INTO apps (id, settings, created_at, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at
            """, [.text(id), .text(StoredAppSettingsJSON.encode(app)), .integer(now), .integer(now)])
        try handle.run("DELETE FROM bots WHERE app_id = ?", [.text(id)])
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
            try handle.run(
                """
                INSERT INTO bots (app_id, bot_id, label, is_default, mode, environment, sealed_keys, token_reference,
                    token_fingerprint, token_last_four, oidc_algorithms, require_nonce)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(id), .integer(bot.botID), .text(bot.label), .bool(bot.isDefault), .text(mode),
                    .text(environment), .text(sealed), .text(reference), .text(fingerprint), .text(lastFour),
                    .text(bot.oidcAlgorithms.map(\.rawValue).joined(separator: ",")), .bool(bot.requireNonce),
                ])
        }
        try handle.run("DELETE FROM adapters WHERE app_id = ?", [.text(id)])
        for adapter in app.adapters {
            try handle.run(
                "INSERT INTO adapters (app_id, name, kind, is_default, config, sealed_secrets) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    .text(id), .text(adapter.name.rawValue), .text(adapter.kind), .bool(adapter.isDefault),
                    .text(adapter.config.serialized), .text(adapter.sealedSecrets),
                ])
        }
    }

    private static func load(_ id: AppID, _ handle: SQLiteHandle) throws -> StoredApp? {
        guard let row = try handle.query("SELECT settings FROM apps WHERE id = ?", [.text(id.rawValue)]).first,
            let json = row.text(0).flatMap({ try? JSONValue.parse($0) })
        else { return nil }
        let settings = StoredAppSettingsJSON.decode(json, id: id)
        let declared = StoredAppSettingsJSON.declared(json)
        let bots = try handle.query(
            """
            SELECT bot_id, label, is_default, mode, environment, sealed_keys, token_reference, token_fingerprint,
                token_last_four, oidc_algorithms, require_nonce
            FROM bots WHERE app_id = ? ORDER BY bot_id
            """, [.text(id.rawValue)]
        ).map { row -> StoredBot in
            let mode: StoredBot.Mode =
                row.text(3) == "token"
                ? .token(
                    sealedKeys: row.text(5) ?? "", reference: row.text(6), fingerprint: row.text(7) ?? "",
                    lastFour: row.text(8) ?? "")
                : .thirdParty(environment: TelegramEnvironment(rawValue: row.text(4) ?? "") ?? .production)
            return StoredBot(
                botID: row.integer(0) ?? 0, label: row.text(1), isDefault: row.bool(2), mode: mode,
                oidcAlgorithms: (row.text(9) ?? "").split(separator: ",").compactMap { JWSAlgorithm(rawValue: String($0)) },
                requireNonce: row.bool(10))
        }
        let adapters = try handle.query(
            "SELECT name, kind, is_default, config, sealed_secrets FROM adapters WHERE app_id = ? ORDER BY name",
            [.text(id.rawValue)]
        ).compactMap { row -> StoredAdapter? in
            guard let name = row.text(0).flatMap(AdapterName.init(rawValue:)) else { return nil }
            return StoredAdapter(
                name: name, kind: row.text(1) ?? "", isDefault: row.bool(2),
                config: row.text(3).flatMap { try? JSONValue.parse($0) } ?? .object([]), sealedSecrets: row.text(4))
        }
        return StoredApp(settings: settings, bots: bots, adapters: adapters, declared: declared)
    }
}
