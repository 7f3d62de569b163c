import Crypto

/// Signs Mini App `initData` for tests and local development: with a bot token (HMAC `hash`), and optionally
/// Telegram-style with an Ed25519 private key (`signature`), exactly as Telegram builds both.
public struct InitDataSigner: Sendable {
    private let webAppKey: SymmetricKey?
    private let ed25519: (key: Curve25519.Signing.PrivateKey, botID: Int64)?

    /// A signer that adds the HMAC `hash` for `botToken`.
    public init(botToken: BotToken) {
        self.webAppKey = botToken.webAppKey
        self.ed25519 = nil
    }

    /// A signer that adds Telegram's Ed25519 `signature` for `botID` with `privateKey`, and the HMAC `hash` too
    /// when `botToken` is given (Telegram sends both).
    public init(ed25519PrivateKey privateKey: Curve25519.Signing.PrivateKey, botID: Int64, botToken: BotToken? = nil) {
        self.webAppKey = botToken?.webAppKey
        self.ed25519 = (privateKey, botID)
    }

    /// Signs `fields` (kept in the given order) and returns the `initData` query string.
    public func sign(_ fields: [(key: String, value: String)]) throws(TelegramAuthError) -> String {
        var fields = fields
        if let ed25519 {
            let parsed = try ProofFields(pairs: fields)
            let message = parsed.dataCheckString(
                excluding: [.hash, .signature], prefix: Array("\(ed25519.botID):WebAppData\n".utf8))
            guard let signature = try? ed25519.key.signature(for: message) else {
                throw TelegramAuthError(.malformed, "Ed25519 signing failed")
            }
            fields.append(("signature", Base64.urlEncode(signature)))
        }
        if let webAppKey {
            let parsed = try ProofFields(pairs: fields)
            let mac = HMAC<SHA256>.authenticationCode(for: parsed.dataCheckString(excluding: .hash), using: webAppKey)
            fields.append(("hash", Hex.encode(mac)))
        }
        return TelegramEncoding.queryString(fields)
    }

    /// Builds and signs `initData` for `user`, with the fields a Mini App launched from a bot menu receives.
    public func sign(
        user: TelegramUser, authDate: Int64, queryID: String? = nil, startParam: String? = nil,
        chatType: String? = nil, chatInstance: String? = nil
    ) throws(TelegramAuthError) -> String {
        var fields: [(key: String, value: String)] = []
        if let queryID { fields.append(("query_id", queryID)) }
        fields.append(("user", user.webAppJSON))
        if let chatInstance { fields.append(("chat_instance", chatInstance)) }
        if let chatType { fields.append(("chat_type", chatType)) }
        if let startParam { fields.append(("start_param", startParam)) }
        fields.append(("auth_date", String(authDate)))
        return try sign(fields)
    }
}
