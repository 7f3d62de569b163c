import StrictJSON
import TelegateCore
import TelegateIssuer
import TelegramAuth

/// A "Log in with Telegram" under way, between `/console/login/telegram` and its callback: the `state`, `nonce` and
/// PKCE verifier sent with the authorization request, kept in the browser as a sealed cookie (``SecretBox``) for
/// ``lifetime`` seconds. Only the browser that started the login holds it, so a callback arriving in another browser
/// (a login forced on a victim, a stolen code) or twice is refused.
struct ConsoleTelegramLoginPending: Sendable {
    /// Compared with the callback's `state`.
    let state: String
    /// Compared with the ID token's `nonce`.
    let nonce: String
    /// The PKCE `code_verifier` the code is redeemed with.
    let verifier: String
    /// When the login started, Unix seconds.
    let startedAt: Int64

    /// The cookie's name.
    static let cookieName = "telegate_console_telegram"
    /// How long a login may take, seconds.
    static let lifetime: Int64 = 10 * 60
    /// The sealing context: nothing else sealed under the master key opens as a pending login.
    static let context = "console-telegram-login v1"

    /// A new login started at `now`, with fresh random values.
    static func start(at now: Int64) -> ConsoleTelegramLoginPending {
        ConsoleTelegramLoginPending(
            state: RandomSecret().value, nonce: RandomSecret().value, verifier: RandomSecret().value, startedAt: now)
    }

    /// The PKCE `code_challenge` (S256) of ``verifier``.
    var challenge: String { ProofKeyChallenge.challenge(of: verifier) }

    /// The cookie value.
    func sealed(with box: SecretBox) throws -> String {
        let json = JSONValue.object([
            ("state", .string(state)), ("nonce", .string(nonce)), ("verifier", .string(verifier)),
            ("started", .integer(startedAt)),
        ])
        return try box.seal(json.serializedBytes, context: Self.context)
    }

    /// The pending login a cookie value holds at `now`: sealed under this master key, well formed, not older than
    /// ``lifetime``.
    static func open(_ cookie: String?, box: SecretBox, now: Int64) -> ConsoleTelegramLoginPending? {
        guard let cookie, !cookie.isEmpty, cookie.utf8.count <= 1024, let bytes = try? box.open(cookie, context: context),
            let json = try? JSONValue.parse(bytes), let state = json["state"]?.stringValue,
            let nonce = json["nonce"]?.stringValue, let verifier = json["verifier"]?.stringValue,
            let started = json["started"]?.integerValue, now >= started, now - started <= lifetime
        else { return nil }
        return ConsoleTelegramLoginPending(state: state, nonce: nonce, verifier: verifier, startedAt: started)
    }
}
