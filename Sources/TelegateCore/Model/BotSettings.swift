import Crypto
import TelegramAuth

/// A Telegram bot of an app and how its proofs are checked: with keys derived from its token (HMAC), or with only
/// its id (Telegram's Ed25519 signature). Each bot has exactly one mode; Telegate never tries other bots.
public struct BotSettings: Sendable {
    /// How the bot's proofs are verified.
    public enum Verification: Sendable {
        /// With the two keys derived from the bot token; the token itself is not kept.
        case token(TokenKeys)
        /// With Telegram's Ed25519 signature for third parties; Login Widget data cannot be checked this way.
        case thirdParty(environment: TelegramEnvironment)
    }

    /// The keys derived from a bot token.
    public struct TokenKeys: Sendable {
        /// `HMAC-SHA256("WebAppData", token)`, for Mini App `initData`.
        public let webAppKey: SymmetricKey
        /// `SHA256(token)`, for Login Widget data.
        public let widgetKey: SymmetricKey

        /// Derives both keys from `token`.
        public init(token: BotToken) {
            self.webAppKey = token.webAppKey
            self.widgetKey = token.widgetKey
        }

        /// Keys restored from storage.
        public init(webAppKey: SymmetricKey, widgetKey: SymmetricKey) {
            self.webAppKey = webAppKey
            self.widgetKey = widgetKey
        }
    }

    /// The Telegram bot id (also the OIDC client id).
    public var botID: Int64
    /// A label for admins (`prod`, `dev`).
    public var label: String?
    /// How proofs are verified.
    public var verification: Verification
    /// Whether `/v1/apps/{app}/exchange` (without a bot in the path) uses this bot.
    public var isDefault: Bool
    /// The algorithms accepted for Telegram Login `id_token`s of this bot.
    public var oidcAlgorithms: Set<JWSAlgorithm>
    /// Whether Telegram Login `id_token`s must carry the nonce the login started with.
    public var requireNonce: Bool
    /// The client secret Telegram issued for the bot's Telegram Login code flow; `nil` when not configured.
    public var oidcClientSecret: String?

    /// Creates settings.
    public init(
        botID: Int64, label: String? = nil, verification: Verification, isDefault: Bool = false,
        oidcAlgorithms: Set<JWSAlgorithm> = JWSAlgorithm.defaultAllowed, requireNonce: Bool = false,
        oidcClientSecret: String? = nil
    ) {
        self.botID = botID
        self.label = label
        self.verification = verification
        self.isDefault = isDefault
        self.oidcAlgorithms = oidcAlgorithms
        self.requireNonce = requireNonce
        self.oidcClientSecret = oidcClientSecret
    }
}
