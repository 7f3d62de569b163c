import Foundation

/// What a simulated `oauth.telegram.org` knows before any call: the bots registered for Telegram Login (their
/// client secrets and allowed redirect URIs, as @BotFather holds them), the user who approves every login, and
/// how it issues ID tokens. Built in this module (``development``) and, with the synthesized memberwise
/// initializer, in tests.
public struct TelegramSimulatorConfiguration: Sendable {
    /// A bot registered for Telegram Login: its id is the OIDC `client_id`.
    public struct Bot: Sendable {
        /// The bot id (`client_id`, and the ID token's `aud`).
        public var id: Int64
        /// The client secret @BotFather shows (not the bot token).
        public var clientSecret: String
        /// The redirect URIs registered under the bot's Allowed URLs, matched exactly.
        public var redirectURIs: [String]
        /// Whether any `http` redirect URI on 127.0.0.1 or localhost is accepted too (local development).
        public var acceptsLoopbackRedirects: Bool

        /// Creates a bot.
        public init(id: Int64, clientSecret: String, redirectURIs: [String] = [], acceptsLoopbackRedirects: Bool = false) {
            self.id = id
            self.clientSecret = clientSecret
            self.redirectURIs = redirectURIs
            self.acceptsLoopbackRedirects = acceptsLoopbackRedirects
        }

        /// Whether `uri` is one this bot may be redirected to.
        func allowsRedirect(to uri: String) -> Bool {
            if redirectURIs.contains(uri) { return true }
            guard acceptsLoopbackRedirects, let components = URLComponents(string: uri), components.scheme == "http" else {
                return false
            }
            return components.host == "127.0.0.1" || components.host == "localhost"
        }
    }

    /// The Telegram account that approves every login (a real user would see Telegram's consent screen).
    public struct User: Sendable {
        /// The Telegram user id (the `id` claim).
        public var id: Int64
        public var firstName: String
        public var lastName: String?
        public var username: String?
        public var photoURL: String?
        /// The phone number, without `+`, as Telegram writes it; released only for the `phone` scope.
        public var phoneNumber: String?
    }

    /// The registered bots.
    public var bots: [Bot]
    /// The user who approves logins.
    public var user: User
    /// The issuer named in discovery and in `iss`: `nil` for the simulator's own base URL, or Telegram's
    /// (`https://oauth.telegram.org`) for a verifier that must not be told otherwise.
    public var issuer: String?
    /// Whether the ID token carries the `nonce` of the authorization request (Telegram's documentation promises
    /// it; code-flow tokens have been seen without it).
    public var echoesNonce = true
    /// Lifetime of an authorization code, seconds.
    public var codeTTL: Int64 = 60
    /// Lifetime of an ID token, seconds.
    public var tokenTTL: Int64 = 3600
    /// The time tokens are issued at, in Unix seconds.
    public var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    /// The bot `telegate simulate telegram` registers: any loopback redirect URI is accepted, so a local Telegate
    /// on any port can use it.
    public static let developmentBot = Bot(
        id: 7_000_000_001, clientSecret: "telegram-simulator-client-secret", acceptsLoopbackRedirects: true)

    /// What `telegate simulate telegram` serves, documented in `docs/telegram-oidc.md`.
    public static let development = TelegramSimulatorConfiguration(
        bots: [developmentBot],
        user: User(
            id: 5_000_000_001, firstName: "Ada", lastName: "Lovelace", username: "ada_simulated",
            photoURL: "https://t.me/i/userpic/320/ada_simulated.jpg", phoneNumber: "15550100001"))
}
