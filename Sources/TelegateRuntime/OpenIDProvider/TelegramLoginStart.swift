/// How a Telegram Login begins: the browser is sent to Telegram with a cookie holding the pending login.
public struct TelegramLoginStart: Sendable {
    /// Telegram's authorization endpoint with the request (`client_id` = the bot id, PKCE `S256`, state, nonce).
    public let location: String
    /// The value of the ``TelegramOIDCUpstream/cookieName`` cookie: the pending login, sealed.
    public let cookie: String
    /// How long the cookie lives, seconds.
    public let maxAge: Int64
}
