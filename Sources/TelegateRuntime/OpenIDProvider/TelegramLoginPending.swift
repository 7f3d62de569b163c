import StrictJSON
import TelegateCore
import TelegramAuth

/// A Telegram Login the hosted login page started at Telegram's OpenID Provider: the authorization request it
/// answers, and what binds Telegram's answer to it (state, nonce, PKCE verifier). It lives in the browser as a
/// sealed, short-lived cookie, so any instance can finish the login and nothing is stored meanwhile.
struct TelegramLoginPending: Sendable {
    /// The secrets that bind Telegram's answer to the login that asked for it, each 32 random bytes in base64url
    /// (43 characters).
    struct Binding: Sendable {
        /// Sent as `state`; Telegram's answer must repeat it.
        let state: String
        /// Sent as `nonce`; Telegram's ID token must carry it.
        let nonce: String
        /// The PKCE verifier; its S256 challenge is sent, the verifier itself only with the code.
        let verifier: String

        /// New secrets.
        static func random() -> Binding {
            Binding(state: secret(), nonce: secret(), verifier: secret())
        }

        private static func secret() -> String { Base64.urlEncode(SecureRandom.bytes(32)) }
    }

    let appID: AppID
    let botID: Int64
    let binding: Binding
    /// When the login must have come back, Unix seconds.
    let expiresAt: Int64
    /// The parameters of the authorization request, as the client sent them.
    let parameters: [(name: String, value: String)]

    /// The largest sealed value kept: browsers keep cookies of about 4 KB.
    static let maxSealedBytes = 3800

    /// The sealing context: the value opens only for the app it was started in.
    static func context(_ appID: AppID) -> String { "telegram-login:\(appID)" }

    /// The cookie value.
    func sealed(with box: SecretBox) throws -> String {
        let json = JSONValue.object([
            ("bot", .integer(botID)), ("state", .string(binding.state)), ("nonce", .string(binding.nonce)),
            ("verifier", .string(binding.verifier)),
            ("exp", .integer(expiresAt)),
            ("request", .array(parameters.map { .array([.string($0.name), .string($0.value)]) })),
        ])
        let sealed = try box.seal(json.serializedBytes, context: Self.context(appID))
        guard sealed.utf8.count <= Self.maxSealedBytes else {
            throw TelegateError(.invalidRequest, "the authorization request is too large to continue with Telegram Login")
        }
        return sealed
    }

    /// The login a cookie value holds, if it was sealed for `appID` under this master key and is well formed.
    static func open(_ sealed: String, appID: AppID, box: SecretBox) -> TelegramLoginPending? {
        guard sealed.utf8.count <= maxSealedBytes, let bytes = try? box.open(sealed, context: context(appID)),
            let json = try? JSONValue.parse(bytes), let botID = json["bot"]?.integerValue,
            let state = json["state"]?.stringValue, let nonce = json["nonce"]?.stringValue,
            let verifier = json["verifier"]?.stringValue, let expiresAt = json["exp"]?.integerValue,
            let request = json["request"]?.arrayElements
        else { return nil }
        var parameters: [(name: String, value: String)] = []
        for pair in request {
            guard let items = pair.arrayElements, items.count == 2, let name = items[0].stringValue,
                let value = items[1].stringValue
            else { return nil }
            parameters.append((name, value))
        }
        return TelegramLoginPending(
            appID: appID, botID: botID, binding: Binding(state: state, nonce: nonce, verifier: verifier),
            expiresAt: expiresAt, parameters: parameters)
    }
}
