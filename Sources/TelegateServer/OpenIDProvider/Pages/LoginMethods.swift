import TelegramAuth

/// The ways the login page offers, as the app's bots allow them.
struct LoginMethods: Sendable {
    /// Inside a Mini App the page submits `Telegram.WebApp.initData` at once; the script always checks for it.
    var miniApp: Bool
    /// The `oauth.telegram.org/auth` redirect (django-allauth's Telegram flow): Telegram returns to `returnTo` with
    /// `#tgAuthResult=…`. A plain link, so it works without JavaScript.
    var telegramRedirect: (botID: Int64, origin: String, returnTo: String)?
    /// Telegram's Login Widget for the bot `botUsername`: with `authURL` the widget sends the browser there with the
    /// fields in the query; without it the page fills its form from the widget's answer.
    var widget: (botUsername: String, authURL: String?)?
    /// Where Telegram's OpenID Connect login starts, when the app offers it.
    var telegramOIDC: String?

    init(
        miniApp: Bool = true, telegramRedirect: (botID: Int64, origin: String, returnTo: String)? = nil,
        widget: (botUsername: String, authURL: String?)? = nil, telegramOIDC: String? = nil
    ) {
        self.miniApp = miniApp
        self.telegramRedirect = telegramRedirect
        self.widget = widget
        self.telegramOIDC = telegramOIDC
    }

    /// Telegram's Login Widget script.
    static let widgetScriptURL = "https://telegram.org/js/telegram-widget.js?22"

    /// The origin of the widget's frame, the only sender whose messages the page's script reads.
    static let widgetOrigin = "https://oauth.telegram.org"

    /// The `oauth.telegram.org/auth` URL of `telegramRedirect`, with the parameters django-allauth sends
    /// (`embed=0` asks for the full page rather than the popup layout).
    var telegramRedirectURL: String? {
        telegramRedirect.map { redirect in
            Self.widgetOrigin + "/auth?"
                + TelegramEncoding.queryString([
                    ("bot_id", String(redirect.botID)), ("origin", redirect.origin), ("embed", "0"),
                    ("request_access", "write"), ("return_to", redirect.returnTo),
                ])
        }
    }
}
