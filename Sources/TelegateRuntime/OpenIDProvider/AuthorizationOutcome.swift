import TelegateCore
import TelegateIssuer

/// What the authorization endpoint answers with.
public struct AuthorizationOutcome: Sendable {
    /// The answer itself.
    public enum Action: Sendable {
        /// `303` to this URL: the client's redirect URI with a code or an error.
        case redirect(String)
        /// The login page, for this request.
        case login(LoginPrompt)
        /// The consent page, for this request, naming the signed-in user (their display name) so they see who
        /// is about to grant it.
        case consent(AuthorizationRequest, userName: String)
        /// An error page: the request cannot be answered at the client (unknown client or redirect URI), or the
        /// proof failed.
        case errorPage(status: Int, code: String, message: String)
    }

    public var action: Action
    /// The new session's cookie value and lifetime in seconds, when this request started one.
    public var startedSession: (cookie: String, lifetime: Int64)?

    init(_ action: Action, startedSession: (cookie: String, lifetime: Int64)? = nil) {
        self.action = action
        self.startedSession = startedSession
    }
}

/// What the login page needs to know about a request.
public struct LoginPrompt: Sendable {
    public var request: AuthorizationRequest
    /// The bot of the page's `oauth.telegram.org` redirect: the app's default one, when it has one and its token.
    public var botID: Int64?
    /// That bot's @username, when configured, so the page offers Telegram's Login Widget (whose answer is signed with
    /// the token, like the redirect's).
    public var widgetBotUsername: String?
    /// Whether that bot has its Telegram Login client secret, so the page offers Telegram's OpenID Connect login.
    public var offersTelegramOIDC = false
}
