import StrictJSON
import TelegateCore
import TelegateRuntime
import TelegramAuth

/// How admin resources look on the wire. Secrets are write-only: a bot token or an adapter secret appears only
/// as its reference, a keyed fingerprint and its last four characters.
enum AdminJSON {
    static func app(_ app: StoredApp) -> JSONValue {
        .object(
            appSettings(app.settings).objectMembers! + [
                ("bots", .array(app.bots.map(bot))), ("adapters", .array(app.adapters.map(adapter))),
            ])
    }

    /// The app's own settings, also the audited fields of an app change.
    static func appSettings(_ settings: AppSettings) -> JSONValue { SpecFormat.admin.encode(AppSpec(settings: settings)) }

    static func bot(_ bot: StoredBot) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("id", .integer(bot.botID))]
        if let label = bot.label { members.append(("label", .string(label))) }
        members.append(("default", .bool(bot.isDefault)))
        switch bot.mode {
        case .token(_, let reference, let fingerprint, let lastFour):
            members.append(("mode", .string("token")))
            var token: [(key: String, value: JSONValue)] = []
            if let reference { token.append(("reference", .string(reference))) }
            token.append(("fingerprint", .string(fingerprint)))
            token.append(("lastFour", .string(lastFour)))
            members.append(("token", .object(token)))
        case .thirdParty(let environment):
            members.append(("mode", .string("id")))
            members.append(("environment", .string(environment.rawValue)))
        }
        members.append(("oidcAlgorithms", .array(bot.oidcAlgorithms.map { .string($0.rawValue) })))
        members.append(("requireNonce", .bool(bot.requireNonce)))
        return .object(members)
    }

    /// An adapter: plain config values as stored, each secret field as `{reference, fingerprint, lastFour}`.
    static func adapter(_ adapter: StoredAdapter) -> JSONValue {
        let fingerprints = adapter.config[StoredAdapter.fingerprintKey]
        var config: [(key: String, value: JSONValue)] = []
        for member in adapter.config.objectMembers ?? [] where member.key != StoredAdapter.fingerprintKey {
            if let print = fingerprints?[member.key] {
                config.append(
                    (member.key, .object([("reference", member.value)] + (print.objectMembers ?? []))))
            } else {
                config.append(member)
            }
        }
        return .object([
            ("name", .string(adapter.name.rawValue)), ("kind", .string(adapter.kind)), ("default", .bool(adapter.isDefault)),
            ("config", .object(config)),
        ])
    }

    static func link(_ link: ProviderLink) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("adapter", .string(link.adapter.rawValue)), ("state", .string(link.state.rawValue)),
        ]
        if let external = link.externalID { members.append(("externalId", .string(external))) }
        members.append(("updatedAt", .integer(link.updatedAt)))
        return .object(members)
    }

    /// A refresh-token family: its id and dates, never a token.
    static func family(_ family: RefreshFamily) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(family.id)), ("adapter", .string(family.adapter.rawValue)),
            ("createdAt", .integer(family.createdAt)), ("expiresAt", .integer(family.expiresAt)),
        ]
        if let revoked = family.revokedAt { members.append(("revokedAt", .integer(revoked))) }
        if let reason = family.revokeReason { members.append(("revokeReason", .string(reason))) }
        return .object(members)
    }

    /// A signing key's public parts.
    static func key(_ key: StoredSigningKey) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("kid", .string(key.kid)), ("algorithm", .string(key.algorithm.rawValue)), ("state", .string(key.state.rawValue)),
            ("createdAt", .integer(key.createdAt)),
        ]
        if let expires = key.expiresAt { members.append(("retiresAt", .integer(expires))) }
        members.append(("publicJwk", key.publicJWK))
        return .object(members)
    }

    static func event(_ event: AuditEvent) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("sequence", .integer(event.sequence ?? 0)), ("at", .integer(event.at)),
        ]
        if let app = event.appID { members.append(("app", .string(app.rawValue))) }
        members.append(("actor", .string(event.actor)))
        members.append(("action", .string(event.action)))
        if let target = event.target { members.append(("target", .string(target))) }
        members.append(("outcome", .string(event.outcome.rawValue)))
        members.append(("details", event.details))
        if let request = event.requestID { members.append(("requestId", .string(request))) }
        return .object(members)
    }

    static func token(_ token: AdminToken) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("id", .string(token.id)), ("name", .string(token.name))]
        if let app = token.appID { members.append(("app", .string(app.rawValue))) }
        members.append(("readOnly", .bool(token.readOnly)))
        members.append(("createdAt", .integer(token.createdAt)))
        if let revoked = token.revokedAt { members.append(("revokedAt", .integer(revoked))) }
        return .object(members)
    }

    /// `{"items": […]}`, the shape of every list.
    static func list(_ items: [JSONValue], extra: [(key: String, value: JSONValue)] = []) -> JSONValue {
        .object([("items", .array(items))] + extra)
    }
}
