/// The login page the authorization endpoint answers a GET with: the form `#telegate-login` carrying the
/// authorization request as hidden inputs, the ways in the app's bots allow, and the script that adds the proof
/// (`initData`, `tgAuthResult` or the widget's fields) and submits.
struct LoginPage {
    let context: PageContext
    let formAction: String
    let hiddenFields: [(name: String, value: String)]
    let methods: LoginMethods

    init(context: PageContext, formAction: String, hiddenFields: [(name: String, value: String)], methods: LoginMethods) {
        self.context = context
        self.formAction = formAction
        self.hiddenFields = hiddenFields
        self.methods = methods
    }

    /// The whole document.
    func render() -> String {
        let strings = PageStrings.table(for: context.locale)
        let nonce = HTMLText.escaped(context.scriptNonce)
        let main = """
            <h1>\(HTMLText.escaped(strings.loginTitle))</h1>
            <p class="hint">\(HTMLText.escaped(strings.loginLead))</p>
            <p id="telegate-progress" hidden>\(HTMLText.escaped(strings.signingIn))</p>
            <p id="telegate-cancelled" hidden>\(HTMLText.escaped(strings.cancelled))</p>
            \(HiddenForm.markup(id: "telegate-login", action: formAction, fields: hiddenFields))
            <div id="telegate-methods"\(methods.miniApp ? " data-mini-app" : "")>
            \(ways(strings: strings, nonce: nonce))
            </div>
            <p class="hint note">\(HTMLText.escaped(strings.privacyNote))</p>
            """
        let tail = (methods.miniApp ? PageShell.webAppScript(context: context) + "\n" : "")
            + "<script nonce=\"\(nonce)\">\(LoginScript.source)</script>"
        return PageShell.document(context: context, title: strings.loginTitle, main: main, tail: tail)
    }

    /// The buttons and the widget, best first: Telegram's OpenID Connect login, the widget, the redirect (a
    /// secondary button when another way is shown, and the one way that needs no JavaScript).
    private func ways(strings: PageStrings, nonce: String) -> String {
        var parts: [String] = []
        if let start = methods.telegramOIDC {
            parts.append(link(start, strings.telegramOIDCButton, secondary: false))
        }
        if let widget = methods.widget {
            let mode = widget.authURL.map { "data-auth-url=\"\(HTMLText.escaped($0))\"" } ?? ""
            parts.append(
                "<div class=\"widget\" id=\"telegate-widget\"\(widget.authURL == nil ? " data-callback" : "")"
                    + " data-origin=\"\(LoginMethods.widgetOrigin)\">"
                    + "<script async src=\"\(LoginMethods.widgetScriptURL)\" nonce=\"\(nonce)\""
                    + " data-telegram-login=\"\(HTMLText.escaped(widget.botUsername))\" data-size=\"large\""
                    + " data-radius=\"12\" data-request-access=\"write\" data-userpic=\"false\""
                    + " data-lang=\"\(context.locale.rawValue)\" \(mode)></script></div>")
            if methods.telegramRedirect == nil {
                parts.append("<noscript><p class=\"hint\">\(HTMLText.escaped(strings.needsJavaScript))</p></noscript>")
            }
        }
        if let redirect = methods.telegramRedirectURL {
            parts.append(link(redirect, strings.telegramRedirectButton, secondary: !parts.isEmpty))
        }
        if parts.isEmpty {
            parts.append("<p class=\"hint\">\(HTMLText.escaped(strings.openInTelegram))</p>")
        }
        return parts.joined(separator: "\n")
    }

    private func link(_ url: String, _ label: String, secondary: Bool) -> String {
        "<a class=\"button\(secondary ? " secondary" : "")\" href=\"\(HTMLText.escaped(url))\">\(HTMLText.escaped(label))</a>"
    }
}
