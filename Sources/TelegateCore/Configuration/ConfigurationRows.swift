import StrictJSON
import TelegramAuth

/// Turns configured bots and adapters into stored rows: resolves secret references, validates them, seals them.
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

    /// A token-mode bot. A stored bot with the same token fingerprint is reused as is, so applying the same
    /// configuration twice changes nothing.
    public func tokenBot(
        appID: AppID, token rawToken: String, reference: String?, label: String?, isDefault: Bool,
        oidcAlgorithms: [JWSAlgorithm], requireNonce: Bool, existing: StoredBot?
    ) throws -> StoredBot {
        let token: BotToken
        do {
            token = try BotToken(rawToken)
        } catch {
            throw TelegateError(
                .init("invalid_bot_token"), status: 422,
                "the bot token is malformed: it looks like 123456789:AAH… (bot id, colon, secret)")
        }
        let fingerprint = box.fingerprint(of: rawToken)
        let lastFour = String(rawToken.suffix(4))
        let sealed: String
        if let existing, existing.botID == token.botID, case .token(let keys, _, let previous, _) = existing.mode,
            previous == fingerprint
        {
            sealed = keys
        } else {
            let keys = BotSettings.TokenKeys(token: token)
            let bytes = keys.webAppKey.withUnsafeBytes { Array($0) } + keys.widgetKey.withUnsafeBytes { Array($0) }
            sealed = try box.seal(bytes, context: RuntimeBuilder.botKeyContext(appID, token.botID))
        }
        return StoredBot(
            botID: token.botID, label: label, isDefault: isDefault,
            mode: .token(sealedKeys: sealed, reference: reference, fingerprint: fingerprint, lastFour: lastFour),
            oidcAlgorithms: oidcAlgorithms, requireNonce: requireNonce)
    }

    /// An adapter: its config validated against the kind's schema, secret fields resolved from their
    /// references and sealed. The stored config keeps the references, never the values. An adapter whose
    /// config and secret fingerprints are unchanged keeps its stored row.
    public func adapter(
        appID: AppID, name: AdapterName, kind: String, isDefault: Bool, config: JSONValue, existing: StoredAdapter?
    ) throws -> StoredAdapter {
        guard let type = registry.type(for: kind) else {
            throw TelegateError(
                .init("invalid_config"), status: 422,
                "unknown adapter kind \"\(kind)\"; known: \(registry.kinds.joined(separator: ", "))")
        }
        let values = try type.configSchema.validate(config)
        let urlPolicy = AdapterConfig(values: values, secrets: [:]).urlPolicy
        for field in type.configSchema.fields where field.type == .url {
            if let url = values[field.name]?.stringValue { try urlPolicy.check(url) }
        }
        var secrets: [(key: String, value: JSONValue)] = []
        var fingerprints: [(key: String, value: JSONValue)] = []
        for field in type.configSchema.secretFields {
            guard let text = values[field]?.stringValue else { continue }
            let secret = try SecretReference(text).resolve(environment: environment)
            secrets.append((field, .string(secret)))
            fingerprints.append((field, .string(box.fingerprint(of: secret))))
        }
        // The fingerprints ride along in the config so a change of secret value is a change of row.
        var stored = config.objectMembers ?? []
        stored.removeAll { $0.key == Self.fingerprintKey }
        if !fingerprints.isEmpty { stored.append((Self.fingerprintKey, .object(fingerprints))) }
        let storedConfig = JSONValue.object(stored)
        if let existing, existing.kind == kind, existing.isDefault == isDefault, existing.config == storedConfig {
            return existing
        }
        let sealed =
            secrets.isEmpty
            ? nil
            : try box.seal(JSONValue.object(secrets).serialized, context: RuntimeBuilder.adapterSecretContext(appID, name))
        return StoredAdapter(name: name, kind: kind, isDefault: isDefault, config: storedConfig, sealedSecrets: sealed)
    }

    /// The config member holding secret fingerprints; never part of an adapter's schema.
    public static let fingerprintKey = "_secretFingerprints"
}
