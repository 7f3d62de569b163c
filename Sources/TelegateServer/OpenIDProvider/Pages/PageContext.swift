import TelegateCore

/// What every hosted page needs besides its own content: the app it belongs to, its language and the nonce that
/// lets its inline script run under the page's Content-Security-Policy.
struct PageContext: Sendable {
    /// The app whose authorization endpoint serves the page.
    var appID: String
    /// The language of the page.
    var locale: PageLocale
    /// The CSP nonce of this response; the same value goes into `PageHeaders.contentSecurityPolicy(scriptNonce:)`.
    var scriptNonce: String

    init(appID: String, locale: PageLocale, scriptNonce: String) {
        self.appID = appID
        self.locale = locale
        self.scriptNonce = scriptNonce
    }

    /// A fresh nonce for one response: 128 random bits in hex (characters CSP's `nonce-source` allows).
    static func freshScriptNonce() -> String {
        SecureRandom.bytes(16).map { String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }.joined()
    }
}
