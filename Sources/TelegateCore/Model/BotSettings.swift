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
    /// How proofs are verified.
    public var verification: Verification
    /// What the bot's spec sets beside its mode (``BotSpec/init(settingsOf:)``): its label, @username, default flag
    /// (whether `/v1/apps/{app}/exchange` without a bot in the path uses it) and Telegram Login settings.
    public var spec: BotSpec
    /// The client secret Telegram issued for the bot's Telegram Login code flow, read from where
    /// `spec.oidc.clientSecret` names; `nil` when not configured.
    public var oidcClientSecret: String?

    /// Creates settings.
    public init(botID: Int64, verification: Verification, spec: BotSpec = BotSpec(), oidcClientSecret: String? = nil) {
        self.botID = botID
        self.verification = verification
        self.spec = spec
        self.oidcClientSecret = oidcClientSecret
    }
}
