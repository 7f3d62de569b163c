import Crypto

/// Signs Login Widget data for tests and local development.
public struct WidgetSigner: Sendable {
    private let key: SymmetricKey

    /// A signer for the bot that owns `botToken`.
    public init(botToken: String) {
        self.key = BotToken.widgetKey(forToken: botToken)
    }

    /// Returns `fields` with the `hash` appended.
    public func sign(_ fields: [(key: String, value: String)]) throws(TelegramAuthError) -> [(key: String, value: String)] {
        let parsed = try ProofFields(pairs: fields)
        let mac = HMAC<SHA256>.authenticationCode(for: parsed.dataCheckString(excluding: .hash), using: key)
        return fields + [("hash", Hex.encode(mac))]
    }

    /// The widget fields for `user`, signed: `id`, names, `username`, `photo_url` when present, `auth_date`.
    public func sign(user: TelegramUser, authDate: Int64) throws(TelegramAuthError) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = [("id", String(user.id)), ("first_name", user.firstName)]
        if let lastName = user.lastName { fields.append(("last_name", lastName)) }
        if let username = user.username { fields.append(("username", username)) }
        if let photoURL = user.photoURL { fields.append(("photo_url", photoURL)) }
        fields.append(("auth_date", String(authDate)))
        return try sign(fields)
    }

    /// Signed fields as the redirect's query string.
    public func queryString(user: TelegramUser, authDate: Int64) throws(TelegramAuthError) -> String {
        TelegramEncoding.queryString(try sign(user: user, authDate: authDate))
    }

    /// Signed fields as the `data-onauth` callback's JSON object, with `id` and `auth_date` as numbers.
    public func jsonObject(user: TelegramUser, authDate: Int64) throws(TelegramAuthError) -> String {
        let members = try sign(user: user, authDate: authDate).map { field in
            let isNumber = field.key == "id" || field.key == "auth_date"
            return TelegramEncoding.jsonString(field.key) + ":"
                + (isNumber ? field.value : TelegramEncoding.jsonString(field.value))
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// Signed fields as a `tgAuthResult` value: the callback's JSON object in base64url.
    public func tgAuthResult(user: TelegramUser, authDate: Int64) throws(TelegramAuthError) -> String {
        Base64.urlEncode(Array(try jsonObject(user: user, authDate: authDate).utf8))
    }
}
