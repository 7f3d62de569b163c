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

    /// A bot: its id, then its settings as its spec spells them, with how it verifies (its mode, and the token's
    /// reference, fingerprint and last four characters, or the environment) before the Telegram Login settings,
    /// where the OIDC client secret shows only as `hasOIDCClientSecret`.
    static func bot(_ bot: StoredBot) -> JSONValue {
        let settings =
            (SpecFormat.admin.encode(BotSpec(settingsOf: bot)).objectMembers ?? []).filter { $0.key != "oidcClientSecret" }
            + [("hasOIDCClientSecret", .bool(bot.oidcClientSecret != nil))]
        let login = settings.firstIndex { $0.key == "oidcAlgorithms" } ?? settings.endIndex
        let mode: [(key: String, value: JSONValue)]
        switch bot.mode {
        case .token(_, let reference, let fingerprint, let lastFour):
            var token: [(key: String, value: JSONValue)] = []
            if let reference { token.append(("reference", .string(reference))) }
            token.append(("fingerprint", .string(fingerprint)))
            token.append(("lastFour", .string(lastFour)))
            mode = [("mode", .string("token")), ("token", .object(token))]
        case .thirdParty(let environment):
            mode = [("mode", .string("id")), ("environment", .string(environment.rawValue))]
        }
        return .object([("id", .integer(bot.botID))] + settings[..<login] + mode + settings[login...])
    }

    /// An adapter as its spec spells it, each secret field of its config as `{reference, fingerprint, lastFour}`.
    static func adapter(_ adapter: StoredAdapter) -> JSONValue {
        var spec = AdapterSpec(adapter)
        let fingerprints = adapter.config[StoredAdapter.fingerprintKey]
        spec.config = .object(
            (spec.config.objectMembers ?? []).map { member in
                guard let print = fingerprints?[member.key] else { return member }
                return (member.key, .object([("reference", member.value)] + (print.objectMembers ?? [])))
            })
        return SpecFormat.admin.encode(spec)
    }

    /// An OAuth client as its spec spells it, the secret as `hasSecret` and its `secretReference` (if any): never
    /// the secret or its digest.
    static func client(_ client: StoredClient) -> JSONValue {
        var spec = client.spec
        spec.secret = nil
        var members = SpecFormat.admin.encode(spec).objectMembers ?? []
        var secret: [(key: String, value: JSONValue)] = [("hasSecret", .bool(client.secretDigest != nil))]
        if let reference = client.spec.secret { secret.append(("secretReference", .string(reference.description))) }
        members.insert(contentsOf: secret, at: min(1, members.count))
        return .object(members)
    }

    /// A webhook endpoint: its spec with `secretReference` (for a referenced secret), when a rotated-out secret
    /// stops signing, and whether deliveries stopped; never a secret.
    static func webhook(_ webhook: StoredWebhook) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("id", .string(webhook.id.rawValue))]
        let flags = ["allowInsecureLoopback", "allowPrivateNetworks"]
        for member in SpecFormat.admin.encode(webhook.spec).objectMembers ?? [] where !flags.contains(member.key) {
            members.append(member.key == "secret" ? ("secretReference", member.value) : member)
        }
        members.append(("allowInsecureLoopback", .bool(webhook.allowInsecureLoopback)))
        members.append(("allowPrivateNetworks", .bool(webhook.allowPrivateNetworks)))
        if let previous = webhook.previousSecret { members.append(("previousSecretExpiresAt", .integer(previous.expiresAt))) }
        if let disabled = webhook.disabled {
            members.append(("disabledAt", .integer(disabled.at)))
            members.append(("disabledReason", .string(disabled.reason)))
        }
        return .object(members)
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
        if !token.permissions.isEmpty {
            members.append(("permissions", .array(token.permissions.map { .string($0.rawValue) })))
        }
        members.append(("createdAt", .integer(token.createdAt)))
        if let revoked = token.revokedAt { members.append(("revokedAt", .integer(revoked))) }
        return .object(members)
    }

    /// `{"items": […]}`, the shape of every list.
    static func list(_ items: [JSONValue], extra: [(key: String, value: JSONValue)] = []) -> JSONValue {
        .object([("items", .array(items))] + extra)
    }
}
