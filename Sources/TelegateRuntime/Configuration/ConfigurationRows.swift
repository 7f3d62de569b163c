import ProviderKit
import StrictJSON
import TelegateCore
import TelegramAuth

/// Turns configured bots, adapters, OAuth clients and webhook endpoints into stored rows: resolves secret references, validates them,
/// seals or digests them.
/// The configuration file, the CLI and the admin API all go through here, so they store the same thing.
public struct ConfigurationRows: Sendable {
    private let box: SecretBox
    private let registry: AdapterRegistry
    private let environment: [String: String]

    /// Creates the converter.
    public init(box: SecretBox, registry: AdapterRegistry, environment: [String: String]) {
        self.box = box
        self.registry = registry
        self.environment = environment
    }

    /// A token-mode bot with default settings (a ``BotSpec`` sets them), its derived keys and the token itself sealed
    /// (the token is what sends the bot's messages). A stored bot with the same token fingerprint keeps its sealed
    /// rows, so applying the same configuration twice changes nothing.
    public func tokenBot(appID: AppID, token rawToken: String, reference: String?, existing: StoredBot?) throws -> StoredBot {
        let token: BotToken
        do {
            token = try BotToken(rawToken)
        } catch {
            throw TelegateError(
                .invalidBotToken,
                "the bot token is malformed: it looks like 123456789:AAH… (bot id, colon, secret)")
        }
        let fingerprint = box.fingerprint(of: rawToken)
        let lastFour = String(rawToken.suffix(4))
        let sealed: String
        var sealedToken: String?
        if let existing, existing.botID == token.botID, case .token(let keys, _, let previous, _) = existing.mode,
            previous == fingerprint
        {
            sealed = keys
            sealedToken = existing.sealedToken
        } else {
            let keys = BotSettings.TokenKeys(token: token)
            let bytes = keys.webAppKey.withUnsafeBytes { Array($0) } + keys.widgetKey.withUnsafeBytes { Array($0) }
            sealed = try box.seal(bytes, context: RuntimeBuilder.botKeyContext(appID, token.botID))
        }
        if sealedToken == nil {
            sealedToken = try box.seal(rawToken, context: RuntimeBuilder.botTokenContext(appID, token.botID))
        }
        return StoredBot(
            botID: token.botID,
            mode: .token(sealedKeys: sealed, reference: reference, fingerprint: fingerprint, lastFour: lastFour),
            sealedToken: sealedToken)
    }

    /// Checks where `spec`'s Bot API endpoint resolves to against ``OutboundURLPolicy`` with its flags: a refused
    /// address is `422 unsafe_url`; a host that does not resolve now is accepted and `onWarning` hears it (messages
    /// wait and retry until it does).
    public func checkBotAPI(_ spec: BotSpec, onWarning: (String) -> Void = { _ in }) throws {
        try spec.api.validate()
        guard let url = spec.api.url else { return }
        let policy = OutboundURLPolicy(
            allowInsecureLoopback: spec.api.allowInsecureLoopback, allowPrivateNetworks: spec.api.allowPrivateNetworks)
        switch policy.evaluate(url) {
        case .allowed: break
        case .unresolvable(let host): onWarning("apiURL: \(host) does not resolve; messages wait and retry until it does")
        case .refused(let reason): throw OutboundURLPolicy.refused(reason)
        }
    }

    /// `bot` with the Telegram Login client secret `reference` names, resolved and sealed (none without a
    /// reference). An unchanged reference and value keep `existing`'s sealed row, so applying the same configuration
    /// twice changes nothing; a reference that cannot be resolved here but is unchanged keeps the stored value (the
    /// instance that stored it could resolve it).
    public func oidcClientSecret(_ reference: SecretReference?, appID: AppID, bot: StoredBot, existing: StoredBot?) throws
        -> StoredBot
    {
        var bot = bot
        guard let reference else {
            bot.oidcClientSecret = nil
            return bot
        }
        let previous = existing?.oidcClientSecret.flatMap { $0.reference == reference.description ? $0 : nil }
        let value: String
        do {
            value = try reference.resolve(environment: environment)
        } catch {
            guard let previous else { throw error }
            bot.oidcClientSecret = previous
            return bot
        }
        guard !value.isEmpty, value.utf8.count <= 256 else {
            throw TelegateError(.invalidField, "oidc.clientSecret must be the 1 to 256 characters @BotFather shows", reason: "invalid_value")
        }
        let fingerprint = box.fingerprint(of: value)
        if let previous, previous.fingerprint == fingerprint {
            bot.oidcClientSecret = previous
        } else {
            bot.oidcClientSecret = SealedBotSecret(
                reference: reference.description,
                sealed: try box.seal(value, context: RuntimeBuilder.botOIDCSecretContext(appID, bot.botID)), fingerprint: fingerprint)
        }
        return bot
    }

    /// An adapter as `spec` configures it: its config validated against the kind's schema, secret fields resolved from their
    /// references and sealed. The stored config keeps the references, never the values. An adapter whose
    /// config and secret fingerprints are unchanged keeps its stored row.
    ///
    /// `secretValues` are secret values given directly (the admin API and the CLI, which read them from the
    /// environment, a file or stdin); they win over the field's reference, and a field given only as a value gets
    /// the reference ``SecretReference.suggested(appID:adapter:field:)`` so an export names where to find it. A reference
    /// that cannot be resolved here but is unchanged from `existing` keeps the sealed value (the instance that
    /// stored it could resolve it).
    ///
    /// Each URL field is resolved and checked (``OutboundURLPolicy``): an address the policy refuses fails with
    /// `422 unsafe_url`; a host that does not resolve now is accepted, and `onWarning` hears it, because a DNS
    /// outage must not stop a start or a save (the adapter reports unhealthy until it resolves).
    public func adapter(
        _ spec: AdapterSpec, appID: AppID, existing: StoredAdapter?, secretValues: [String: String] = [:],
        onWarning: (String) -> Void = { _ in }
    ) throws -> StoredAdapter {
        let (name, kind, isDefault, config) = (spec.name, spec.kind, spec.isDefault, spec.config)
        guard let type = registry.type(for: kind) else {
            throw TelegateError(
                .invalidConfig,
                "unknown adapter kind \"\(kind)\"; known: \(registry.kinds.joined(separator: ", "))")
        }
        let schema = type.configSchema
        var members = config.objectMembers ?? []
        members.removeAll { $0.key == StoredAdapter.fingerprintKey }
        for field in secretValues.keys.sorted() {
            guard schema.secretFields.contains(field) else {
                throw TelegateError(
                    .invalidConfig, "\(field.prefix(40)) is not a secret field of \(kind) adapters")
            }
            if !members.contains(where: { $0.key == field }) {
                members.append((field, .string(SecretReference.suggested(appID: appID, adapter: name, field: field))))
            }
        }
        let values = try schema.validate(.object(members))
        let urlPolicy = AdapterConfig(values: values, secrets: [:]).urlPolicy
        for (field, url) in schema.urls(in: values) {
            switch urlPolicy.evaluate(url) {
            case .allowed: break
            case .unresolvable(let host):
                onWarning("\(field): \(host) does not resolve; the adapter is saved and reports unhealthy until it does")
            case .refused(let reason): throw OutboundURLPolicy.refused(reason)
            }
        }
        let previous = try existing.flatMap { try storedSecrets(of: $0, appID: appID) } ?? [:]
        var secrets: [(key: String, value: JSONValue)] = []
        var fingerprints: [(key: String, value: JSONValue)] = []
        for field in schema.secretFields {
            guard let text = values[field]?.stringValue else { continue }
            let secret: String
            if let value = secretValues[field] {
                secret = value
            } else {
                do {
                    secret = try SecretReference(text).resolve(environment: environment)
                } catch {
                    guard existing?.config[field] == .string(text), let kept = previous[field] else { throw error }
                    secret = kept
                }
            }
            secrets.append((field, .string(secret)))
            fingerprints.append(
                (field, .object([("fingerprint", .string(box.fingerprint(of: secret))), ("lastFour", .string(String(secret.suffix(4))))])))
        }
        // The fingerprints ride along in the config so a change of secret value is a change of row.
        if !fingerprints.isEmpty { members.append((StoredAdapter.fingerprintKey, .object(fingerprints))) }
        let storedConfig = JSONValue.object(members)
        if let existing, existing.kind == kind, existing.isDefault == isDefault, existing.config == storedConfig {
            return existing
        }
        let sealed =
            secrets.isEmpty
            ? nil
            : try box.seal(JSONValue.object(secrets).serialized, context: RuntimeBuilder.adapterSecretContext(appID, name))
        return StoredAdapter(name: name, kind: kind, isDefault: isDefault, config: storedConfig, sealedSecrets: sealed)
    }

    /// An OAuth client as `spec` configures it: its secret stored as its digest (``ClientSecretDigester``), never
    /// the secret. `secretValue` (a secret Telegate generated, for the admin API and the CLI) wins over the
    /// reference; a client whose `tokenEndpointAuthMethod` is `none` is public and has no digest.
    ///
    /// A client configured without a reference keeps the digest of a secret Telegate generated for it before
    /// (`existing` has a digest and no reference): so exporting and applying again never turns a confidential
    /// client public. A reference that cannot be resolved here but is unchanged from `existing` keeps its digest
    /// (the instance that stored it could resolve it).
    public func client(_ spec: ClientSpec, appID: AppID, existing: StoredClient?, secretValue: String? = nil) throws
        -> StoredClient
    {
        let digester = ClientSecretDigester(box: box)
        if spec.tokenEndpointAuthMethod == ClientSpec.AuthMethod.none { return StoredClient(spec: spec, secretDigest: nil) }
        if let secretValue {
            return StoredClient(spec: spec, secretDigest: digester.digest(secretValue, appID: appID, clientID: spec.id))
        }
        guard let reference = spec.secret else {
            return StoredClient(spec: spec, secretDigest: existing?.spec.secret == nil ? existing?.secretDigest : nil)
        }
        do {
            let secret = try reference.resolve(environment: environment)
            return StoredClient(spec: spec, secretDigest: digester.digest(secret, appID: appID, clientID: spec.id))
        } catch {
            guard let existing, existing.spec.secret == reference, let digest = existing.secretDigest else { throw error }
            return StoredClient(spec: spec, secretDigest: digest)
        }
    }

    /// A webhook endpoint as `spec` configures it, with id `id`: checked (``WebhookSpec/validate()``, and its URL
    /// against ``OutboundURLPolicy`` with the spec's flags: a refused address is `422 unsafe_url`, a host that does
    /// not resolve now is accepted and `onWarning` hears it), its secret checked (`whsec_` and base64 of 24 to 64
    /// bytes, else `422 invalid_field`) and sealed.
    ///
    /// The secret is `secretValue` (one Telegate generated, for the admin API and the CLI), else what the spec's
    /// reference resolves to, else `existing`'s generated secret. A reference that cannot be resolved here but is
    /// unchanged from `existing` keeps the sealed value. A secret that changes value rotates: the one it replaces
    /// keeps signing next to it for ``PreviousWebhookSecret/overlap``. The disabled state of `existing` is kept.
    public func webhook(
        _ spec: WebhookSpec, id: WebhookID, appID: AppID, existing: StoredWebhook?, secretValue: String? = nil, now: Int64,
        onWarning: (String) -> Void = { _ in }
    ) throws -> StoredWebhook {
        try spec.validate()
        let policy = OutboundURLPolicy(
            allowInsecureLoopback: spec.allowInsecureLoopback, allowPrivateNetworks: spec.allowPrivateNetworks)
        switch policy.evaluate(spec.url) {
        case .allowed: break
        case .unresolvable(let host): onWarning("url: \(host) does not resolve; deliveries wait and retry until it does")
        case .refused(let reason): throw OutboundURLPolicy.refused(reason)
        }
        let reference = spec.secret?.description
        var value = secretValue
        if value == nil, let secretReference = spec.secret {
            do {
                value = try secretReference.resolve(environment: environment)
            } catch {
                guard existing?.secret.reference != reference else { throw error }
            }
        }
        var secret: SealedWebhookSecret
        if let value {
            guard WebhookSecret.key(of: value) != nil else {
                throw TelegateError(
                    .invalidField, "the webhook secret must be whsec_ followed by the base64 of 24 to 64 bytes",
                    reason: "invalid_value")
            }
            let fingerprint = box.fingerprint(of: value)
            if let existing, existing.secret.fingerprint == fingerprint {
                secret = existing.secret
            } else {
                secret = SealedWebhookSecret(
                    reference: reference,
                    sealed: try box.seal(value, context: SealedWebhookSecret.sealingContext(appID: appID, webhook: id)),
                    fingerprint: fingerprint)
            }
            secret.reference = reference
        } else if let existing, existing.secret.reference == reference {
            secret = existing.secret
        } else {
            throw TelegateError(
                .invalidField,
                "a webhook needs a secret: a reference (env:NAME or file:PATH) to a whsec_ secret, or one Telegate "
                    + "generates when the endpoint is added through the admin API or the CLI",
                reason: "missing_field")
        }
        var previous = existing?.previousSecret.flatMap { $0.expiresAt > now ? $0 : nil }
        if let existing, existing.secret.fingerprint != secret.fingerprint {
            previous = PreviousWebhookSecret(sealed: existing.secret.sealed, expiresAt: now + PreviousWebhookSecret.overlap)
        }
        return StoredWebhook(
            id: id, url: spec.url, events: spec.events.sorted(), description: spec.description,
            allowInsecureLoopback: spec.allowInsecureLoopback, allowPrivateNetworks: spec.allowPrivateNetworks,
            secret: secret, previousSecret: previous, disabled: existing?.disabled)
    }

    /// The resolved secret values of a stored adapter, by field.
    private func storedSecrets(of adapter: StoredAdapter, appID: AppID) throws -> [String: String]? {
        guard let sealed = adapter.sealedSecrets else { return nil }
        let text = try box.openText(sealed, context: RuntimeBuilder.adapterSecretContext(appID, adapter.name))
        var values: [String: String] = [:]
        for member in (try? JSONValue.parse(text))?.objectMembers ?? [] { values[member.key] = member.value.stringValue }
        return values
    }
}
