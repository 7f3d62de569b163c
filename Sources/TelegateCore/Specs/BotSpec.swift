import StrictJSON
import TelegramAuth

/// A bot as configured: where its token is kept (HMAC mode) or its bot id (Ed25519 mode), with its label, default
/// flag and Telegram Login settings. The token itself is never part of a spec: the file and export name it by
/// reference, and the admin API takes its value as a write-only member beside the spec.
///
/// Spelled in the file as `{token, id, environment, label, default, oidc: {algorithms, requireNonce, clientSecret}}`
/// and in the admin API as `{tokenReference, id, environment, label, default, oidcAlgorithms, requireNonce,
/// oidcClientSecret}`. The OIDC client secret, like the token, is named by reference and stored sealed.
public struct BotSpec: Sendable, Equatable {
    /// Where the token is kept (`env:…`, `file:…`); exclusive with ``id``.
    public var token: SecretReference?
    /// The bot id, for Ed25519 verification without the token; exclusive with ``token``.
    public var id: Int64?
    /// The Telegram environment of a bot given by id; `nil` is production.
    public var environment: TelegramEnvironment?
    /// A label for admins (`prod`, `dev`).
    public var label: String?
    /// Whether exchanges without a bot in the URL use this bot.
    public var isDefault: Bool
    /// The algorithms accepted for Telegram Login `id_token`s.
    public var oidcAlgorithms: [JWSAlgorithm]
    /// Whether Telegram Login `id_token`s must carry the login's nonce.
    public var requireNonce: Bool
    /// Where the bot's Telegram Login client secret is kept (`env:…`), the one @BotFather issues for the OIDC code
    /// flow (not the bot token); without it the hosted login page does not offer Telegram Login.
    public var oidcClientSecret: SecretReference?

    /// The algorithms accepted unless configured otherwise.
    public static let defaultAlgorithms: [JWSAlgorithm] = [.rs256, .es256]

    /// Creates a spec.
    public init(
        token: SecretReference? = nil, id: Int64? = nil, environment: TelegramEnvironment? = nil, label: String? = nil,
        isDefault: Bool = false, oidcAlgorithms: [JWSAlgorithm] = BotSpec.defaultAlgorithms, requireNonce: Bool = false,
        oidcClientSecret: SecretReference? = nil
    ) {
        self.token = token
        self.id = id
        self.environment = environment
        self.label = label
        self.isDefault = isDefault
        self.oidcAlgorithms = oidcAlgorithms
        self.requireNonce = requireNonce
        self.oidcClientSecret = oidcClientSecret
    }

    /// Checks the bot's rules; a refusal is `422 invalid_field`.
    public func validate() throws(TelegateError) {
        guard (token == nil) != (id == nil) else {
            throw TelegateError(
                .invalidField, "give either token (HMAC mode) or id (Ed25519 mode with only the bot id), not both",
                reason: "missing_field")
        }
        if token != nil, environment != nil {
            throw .invalidSpec("environment applies only to bots configured by id (Ed25519); a token needs none")
        }
        if let id, id <= 0 { throw .invalidSpec("id must be positive") }
    }
}

extension BotSpec: Codable {
    enum FileKeys: String, CodingKey, CaseIterable { case token, id, environment, label, `default`, oidc }
    enum OIDCKeys: String, CodingKey, CaseIterable { case algorithms, requireNonce, clientSecret }
    enum AdminKeys: String, CodingKey, CaseIterable {
        case tokenReference, id, environment, label, `default`, oidcAlgorithms, requireNonce, oidcClientSecret
    }

    public init(from decoder: any Decoder) throws {
        switch SpecFormat.of(decoder.userInfo) {
        case .file:
            let members = try decoder.container(keyedBy: FileKeys.self)
            try self.init(members, token: .token, id: .id, environment: .environment, label: .label, isDefault: .default)
            if members.contains(.oidc), try !members.decodeNil(forKey: .oidc) {
                let oidc = try members.nestedContainer(keyedBy: OIDCKeys.self, forKey: .oidc)
                oidcAlgorithms = try Self.algorithms(oidc, .algorithms) ?? oidcAlgorithms
                requireNonce = try oidc.decodeIfPresent(Bool.self, forKey: .requireNonce) ?? requireNonce
                oidcClientSecret = try oidc.decodeIfPresent(String.self, forKey: .clientSecret).map(SecretReference.init)
            }
        case .admin:
            let members = try decoder.container(keyedBy: AdminKeys.self)
            try self.init(
                members, token: .tokenReference, id: .id, environment: .environment, label: .label, isDefault: .default)
            oidcAlgorithms = try Self.algorithms(members, .oidcAlgorithms) ?? oidcAlgorithms
            requireNonce = try members.decodeIfPresent(Bool.self, forKey: .requireNonce) ?? requireNonce
            oidcClientSecret = try members.decodeIfPresent(String.self, forKey: .oidcClientSecret).map(SecretReference.init)
        }
    }

    private init<Key: CodingKey>(
        _ members: KeyedDecodingContainer<Key>, token: Key, id: Key, environment: Key, label: Key, isDefault: Key
    ) throws {
        self.init(
            token: try members.decodeIfPresent(String.self, forKey: token).map(SecretReference.init),
            id: try members.decodeIfPresent(Int64.self, forKey: id),
            environment: try members.decodeIfPresent(String.self, forKey: environment).map { name in
                try members.converted(name, at: environment, TelegramEnvironment.init(rawValue:), rule: "must be production or test")
            },
            label: try members.decodeIfPresent(String.self, forKey: label),
            isDefault: try members.decodeIfPresent(Bool.self, forKey: isDefault) ?? false)
    }

    private static func algorithms<Key: CodingKey>(_ members: KeyedDecodingContainer<Key>, _ key: Key) throws -> [JWSAlgorithm]? {
        try members.decodeIfPresent([String].self, forKey: key)?.map { name in
            try members.converted(name, at: key, JWSAlgorithm.init(rawValue:), rule: "must list RS256, ES256 or EdDSA")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch SpecFormat.of(encoder.userInfo) {
        case .file:
            var members = encoder.container(keyedBy: FileKeys.self)
            try encode(into: &members, token: .token, id: .id, environment: .environment, label: .label, isDefault: .default)
            var oidc = members.nestedContainer(keyedBy: OIDCKeys.self, forKey: .oidc)
            try oidc.encode(oidcAlgorithms.map(\.rawValue), forKey: .algorithms)
            try oidc.encode(requireNonce, forKey: .requireNonce)
            try oidc.encodeIfPresent(oidcClientSecret?.description, forKey: .clientSecret)
        case .admin:
            var members = encoder.container(keyedBy: AdminKeys.self)
            try encode(
                into: &members, token: .tokenReference, id: .id, environment: .environment, label: .label,
                isDefault: .default)
            try members.encode(oidcAlgorithms.map(\.rawValue), forKey: .oidcAlgorithms)
            try members.encode(requireNonce, forKey: .requireNonce)
            try members.encodeIfPresent(oidcClientSecret?.description, forKey: .oidcClientSecret)
        }
    }

    /// The members both spellings share, under their keys; the counterpart of the shared decoding initializer.
    private func encode<Key: CodingKey>(
        into members: inout KeyedEncodingContainer<Key>, token: Key, id: Key, environment: Key, label: Key, isDefault: Key
    ) throws {
        try members.encodeIfPresent(self.token?.description, forKey: token)
        try members.encodeIfPresent(self.id, forKey: id)
        try members.encodeIfPresent(self.environment?.rawValue, forKey: environment)
        try members.encodeIfPresent(self.label, forKey: label)
        try members.encode(self.isDefault, forKey: isDefault)
    }
}

extension BotSpec {
    /// The spec of a stored bot: a token bot by its recorded reference (or the one suggested for it), a bot
    /// given by id with its environment.
    public init(_ bot: StoredBot, appID: AppID) {
        self.init(settingsOf: bot)
        switch bot.mode {
        case .token(_, let reference, _, _):
            let text = reference ?? SecretReference.suggestedBotToken(appID: appID, botID: bot.botID)
            token = try? SecretReference(text)
        case .thirdParty(let environment):
            id = bot.botID
            self.environment = environment
        }
    }

    /// The settings of a stored bot (label, default flag, Telegram Login settings), without its mode.
    public init(settingsOf bot: StoredBot) {
        self.init(
            label: bot.label, isDefault: bot.isDefault, oidcAlgorithms: bot.oidcAlgorithms, requireNonce: bot.requireNonce,
            oidcClientSecret: bot.oidcClientSecret.flatMap { try? SecretReference($0.reference) })
    }

    /// `bot` with this spec's label, default flag and Telegram Login settings (its mode is fixed once added); its
    /// sealed OIDC client secret is set apart (``ConfigurationRows``), since sealing needs the master key.
    public func settings(of bot: StoredBot) -> StoredBot {
        var bot = bot
        bot.label = label
        bot.isDefault = isDefault
        bot.oidcAlgorithms = oidcAlgorithms
        bot.requireNonce = requireNonce
        return bot
    }
}
