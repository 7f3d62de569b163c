/// The words of the hosted pages in one language; each locale fills one table (`PageStrings+English.swift`,
/// `PageStrings+Russian.swift`), so a missing string is a compile error, not an English word in a Russian page.
struct PageStrings: Sendable {
    /// The login page's heading.
    var loginTitle: String
    /// Under the heading: what logging in does.
    var loginLead: String
    /// Shown while a Mini App's initData or a returned `tgAuthResult` is being submitted.
    var signingIn: String
    /// The button that sends the browser to `oauth.telegram.org/auth`.
    var telegramRedirectButton: String
    /// The button that starts Telegram's OpenID Connect login.
    var telegramOIDCButton: String
    /// Shown when the app offers no way to log in from a browser.
    var openInTelegram: String
    /// Shown when Telegram reports that the user cancelled (`tgAuthResult=false`).
    var cancelled: String
    /// What the relying party learns, under the login buttons.
    var privacyNote: String
    /// Shown without JavaScript when the widget is the only way in.
    var needsJavaScript: String

    /// The consent page's heading.
    var consentTitle: String
    /// Who is signing in, on the consent page, with `{name}` where the user's name goes.
    var consentUser: String
    /// The consent page's request, with `{client}` where the client's id goes.
    var consentLead: String
    /// The button that grants the request.
    var allow: String
    /// The button that refuses it.
    var deny: String
    /// Each scope in plain words; a scope without an entry is shown by its name.
    var scopes: [String: String]

    /// The error page's heading.
    var errorTitle: String
    /// The label in front of the error's stable code.
    var errorCode: String
    /// What the user can do next.
    var errorHint: String

    /// The signed-out page's heading.
    var signedOutTitle: String
    /// Under it: what the logout ended.
    var signedOutLead: String

    /// The table for `locale`.
    static func table(for locale: PageLocale) -> PageStrings {
        switch locale {
        case .en: .english
        case .ru: .russian
        }
    }
}
