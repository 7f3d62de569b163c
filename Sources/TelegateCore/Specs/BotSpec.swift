import StrictJSON
import TelegramAuth

/// A bot as configured: where its token is kept (HMAC mode) or its bot id (Ed25519 mode), with its label, default
/// flag, @username and Telegram Login settings. The token itself is never part of a spec: the file and export name it
/// by reference, and the admin API takes its value as a write-only member beside the spec.
///
/// Spelled in the file as `{token, id, environment, label, username, default, apiURL, allowInsecureLoopback,
/// allowPrivateNetworks, oidc: {algorithms, requireNonce, clientSecret}}` and in the admin API as `{tokenReference, id,
/// environment, label, username, default, apiURL, allowInsecureLoopback, allowPrivateNetworks, oidcAlgorithms,
/// requireNonce, oidcClientSecret}`. The OIDC client secret, like the token, is named by reference and stored sealed.
public struct BotSpec: Sendable, Equatable {
    /// Where the token is kept (`env:…`, `file:…`); exclusive with ``id``.
    public var token: SecretReference?
    /// The bot id, for Ed25519 verification without the token; exclusive with ``token``.
    public var id: Int64?
    /// The Telegram environment of a bot given by id; `nil` is production.
    public var environment: TelegramEnvironment?
    /// A label for admins (`prod`, `dev`).
    public var label: String?
    /// The bot's @username without `@` (`site_bot`), for Telegram's Login Widget on the hosted login page.
    public var username: String?
    /// Whether exchanges without a bot in the URL use this bot.
    public var isDefault: Bool
    /// The bot's Telegram Login settings (the file's `oidc`).
    public var oidc: BotLoginSettings
    /// Where the bot's messages go: the Bot API base URL (a local Bot API server, a simulator), reached under the
    /// adapter-URL policy with the two flags below.
    public var api: BotAPIEndpoint

    /// Creates a spec.
    public init(
        token: SecretReference? = nil, id: Int64? = nil, environment: TelegramEnvironment? = nil, label: String? = nil,
        username: String? = nil, isDefault: Bool = false, oidc: BotLoginSettings = BotLoginSettings(),
        api: BotAPIEndpoint = BotAPIEndpoint()
    ) {
        self.token = token
        self.id = id
        self.environment = environment
        self.label = label
        self.username = username
        self.isDefault = isDefault
        self.oidc = oidc
        self.api = api
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
        if let username, !Self.isBotUsername(username) {
            throw .invalidSpec(
                "username must be the bot's @username without @: 5 to 32 letters, digits or underscores, starting with "
                    + "a letter and ending in bot")
        }
        try api.validate()
    }

    /// Whether `name` is spelled as Telegram allows a bot's username: 5 to 32 characters of `A-Z`, `a-z`, `0-9` and
    /// `_`, starting with a letter, ending in `bot` in any case.
    static func isBotUsername(_ name: String) -> Bool {
        let characters = Array(name.utf8)
        guard (5...32).contains(characters.count), let first = characters.first else { return false }
        func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        return isLetter(first) && characters.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
            && name.lowercased().hasSuffix("bot")
    }
}

extension BotSpec: Codable {
    enum FileKeys: String, CodingKey, CaseIterable {
        case token, id, environment, label, username, `default`, apiURL, allowInsecureLoopback, allowPrivateNetworks, oidc
    }
    enum OIDCKeys: String, CodingKey, CaseIterable { case algorithms, requireNonce, clientSecret }
    enum AdminKeys: String, CodingKey, CaseIterable {
        case tokenReference, id, environment, label, username, `default`, apiURL, allowInsecureLoopback,
            allowPrivateNetworks, oidcAlgorithms, requireNonce, oidcClientSecret
    }

    public init(from decoder: any Decoder) throws {
        switch SpecFormat.of(decoder.userInfo) {
        case .file:
            let members = try decoder.container(keyedBy: FileKeys.self)
            try self.init(
                members, token: .token, id: .id, environment: .environment, label: .label, username: .username,
                isDefault: .default, api: (.apiURL, .allowInsecureLoopback, .allowPrivateNetworks))
            if members.contains(.oidc), try !members.decodeNil(forKey: .oidc) {
                oidc = try BotLoginSettings(
                    members.nestedContainer(keyedBy: OIDCKeys.self, forKey: .oidc), algorithms: .algorithms,
                    requireNonce: .requireNonce, clientSecret: .clientSecret)
            }
        case .admin:
            let members = try decoder.container(keyedBy: AdminKeys.self)
            try self.init(
                members, token: .tokenReference, id: .id, environment: .environment, label: .label, username: .username,
                isDefault: .default, api: (.apiURL, .allowInsecureLoopback, .allowPrivateNetworks))
            oidc = try BotLoginSettings(
                members, algorithms: .oidcAlgorithms, requireNonce: .requireNonce, clientSecret: .oidcClientSecret)
        }
    }

    private init<Key: CodingKey>(
        _ members: KeyedDecodingContainer<Key>, token: Key, id: Key, environment: Key, label: Key, username: Key,
        isDefault: Key, api: (url: Key, insecureLoopback: Key, privateNetworks: Key)
    ) throws {
        self.init(
            token: try members.decodeIfPresent(String.self, forKey: token).map(SecretReference.init),
            id: try members.decodeIfPresent(Int64.self, forKey: id),
            environment: try members.decodeIfPresent(String.self, forKey: environment).map { name in
                try members.converted(name, at: environment, TelegramEnvironment.init(rawValue:), rule: "must be production or test")
            },
            label: try members.decodeIfPresent(String.self, forKey: label),
            username: try members.decodeIfPresent(String.self, forKey: username),
            isDefault: try members.decodeIfPresent(Bool.self, forKey: isDefault) ?? false,
            api: BotAPIEndpoint(
                url: try members.decodeIfPresent(String.self, forKey: api.url),
                allowInsecureLoopback: try members.decodeIfPresent(Bool.self, forKey: api.insecureLoopback) ?? false,
                allowPrivateNetworks: try members.decodeIfPresent(Bool.self, forKey: api.privateNetworks) ?? false))
    }

    public func encode(to encoder: any Encoder) throws {
        switch SpecFormat.of(encoder.userInfo) {
        case .file:
            var members = encoder.container(keyedBy: FileKeys.self)
            try encode(
                into: &members, token: .token, id: .id, environment: .environment, label: .label, username: .username,
                isDefault: .default, api: (.apiURL, .allowInsecureLoopback, .allowPrivateNetworks))
            var login = members.nestedContainer(keyedBy: OIDCKeys.self, forKey: .oidc)
            try oidc.encode(into: &login, algorithms: .algorithms, requireNonce: .requireNonce, clientSecret: .clientSecret)
        case .admin:
            var members = encoder.container(keyedBy: AdminKeys.self)
            try encode(
                into: &members, token: .tokenReference, id: .id, environment: .environment, label: .label,
                username: .username, isDefault: .default, api: (.apiURL, .allowInsecureLoopback, .allowPrivateNetworks))
            try oidc.encode(
                into: &members, algorithms: .oidcAlgorithms, requireNonce: .requireNonce, clientSecret: .oidcClientSecret)
        }
    }

    /// The members both spellings share, under their keys; the counterpart of the shared decoding initializer. The
    /// Bot API endpoint appears only where it differs from the default, so existing exports stay as they were.
    private func encode<Key: CodingKey>(
        into members: inout KeyedEncodingContainer<Key>, token: Key, id: Key, environment: Key, label: Key, username: Key,
        isDefault: Key, api: (url: Key, insecureLoopback: Key, privateNetworks: Key)
    ) throws {
        try members.encodeIfPresent(self.token?.description, forKey: token)
        try members.encodeIfPresent(self.id, forKey: id)
        try members.encodeIfPresent(self.environment?.rawValue, forKey: environment)
        try members.encodeIfPresent(self.label, forKey: label)
        try members.encodeIfPresent(self.username, forKey: username)
        try members.encode(self.isDefault, forKey: isDefault)
        try members.encodeIfPresent(self.api.url, forKey: api.url)
        if self.api.allowInsecureLoopback { try members.encode(true, forKey: api.insecureLoopback) }
        if self.api.allowPrivateNetworks { try members.encode(true, forKey: api.privateNetworks) }
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

    /// The settings of a stored bot (label, username, default flag, Telegram Login settings), without its mode.
    public init(settingsOf bot: StoredBot) {
        self.init(
            label: bot.label, username: bot.username, isDefault: bot.isDefault,
            oidc: BotLoginSettings(
                algorithms: bot.oidcAlgorithms, requireNonce: bot.requireNonce,
                clientSecret: bot.oidcClientSecret.flatMap { try? SecretReference($0.reference) }),
            api: bot.api)
    }

    /// `bot` with this spec's label, username, default flag, Bot API endpoint and Telegram Login settings (its mode is
    /// fixed once added); its sealed OIDC client secret is set apart (``ConfigurationRows``), since sealing needs the master key.
    public func settings(of bot: StoredBot) -> StoredBot {
        var bot = bot
        bot.label = label
        bot.username = username
        bot.isDefault = isDefault
        bot.oidcAlgorithms = oidc.algorithms
        bot.requireNonce = oidc.requireNonce
        bot.api = api
        return bot
    }
}
