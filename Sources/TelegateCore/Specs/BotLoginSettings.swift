import TelegramAuth

/// A bot's Telegram Login (OpenID Connect) settings: the algorithms its `id_token`s may be signed with, whether they
/// must carry the login's nonce, and where the client secret @BotFather issues for the code flow is kept.
///
/// Part of ``BotSpec``: spelled in the file as the bot's nested `oidc: {algorithms, requireNonce, clientSecret}` and
/// in the admin API as the bot's flat members `oidcAlgorithms`, `requireNonce` and `oidcClientSecret`.
public struct BotLoginSettings: Sendable, Equatable {
    /// The algorithms accepted for Telegram Login `id_token`s.
    public var algorithms: [JWSAlgorithm]
    /// Whether Telegram Login `id_token`s must carry the login's nonce.
    public var requireNonce: Bool
    /// Where the bot's Telegram Login client secret is kept (`env:…`), the one @BotFather issues for the OIDC code
    /// flow (not the bot token); without it the hosted login page does not offer Telegram Login.
    public var clientSecret: SecretReference?

    /// The algorithms accepted unless configured otherwise.
    public static let defaultAlgorithms: [JWSAlgorithm] = [.rs256, .es256]

    /// Creates settings.
    public init(
        algorithms: [JWSAlgorithm] = BotLoginSettings.defaultAlgorithms, requireNonce: Bool = false,
        clientSecret: SecretReference? = nil
    ) {
        self.algorithms = algorithms
        self.requireNonce = requireNonce
        self.clientSecret = clientSecret
    }
}

extension BotLoginSettings {
    /// The settings under the keys of either spelling (nested in the file, flat in the admin API); an absent member
    /// keeps its default.
    init<Key: CodingKey>(
        _ members: KeyedDecodingContainer<Key>, algorithms: Key, requireNonce: Key, clientSecret: Key
    ) throws {
        self.init()
        if let names = try members.decodeIfPresent([String].self, forKey: algorithms) {
            self.algorithms = try names.map { name in
                try members.converted(name, at: algorithms, JWSAlgorithm.init(rawValue:), rule: "must list RS256, ES256 or EdDSA")
            }
        }
        self.requireNonce = try members.decodeIfPresent(Bool.self, forKey: requireNonce) ?? self.requireNonce
        self.clientSecret = try members.decodeIfPresent(String.self, forKey: clientSecret).map(SecretReference.init)
    }

    /// The counterpart of the decoding initializer.
    func encode<Key: CodingKey>(
        into members: inout KeyedEncodingContainer<Key>, algorithms: Key, requireNonce: Key, clientSecret: Key
    ) throws {
        try members.encode(self.algorithms.map(\.rawValue), forKey: algorithms)
        try members.encode(self.requireNonce, forKey: requireNonce)
        try members.encodeIfPresent(self.clientSecret?.description, forKey: clientSecret)
    }
}
