import TelegateCore

/// `/console/login`: the admin token, typed in once.
enum ConsoleLoginPage {
    static let tokenField = ConsoleField(
        "token", member: nil, "Admin token", .secret,
        hint: "A token from telegate admin tokens create (tga_…). It is checked once; the console then keeps a "
            + "session and never shows the token.",
        required: true)

    /// The login form with its CSRF token, and `error` beside the token field (or above the form when it is not
    /// about the token: too many failures). With `offersTelegram`, "Log in with Telegram" follows the form.
    static func page(error: TelegateError?, csrf: String, offersTelegram: Bool = false) -> ConsolePage {
        let failure = error.map { ConsoleFailure($0, form: "login", fields: [tokenField], values: [:]) }
        let telegram =
            offersTelegram
            ? "<p>\(ConsoleMarkup.link(ConsoleTelegramLoginRoutes.startPath, "Log in with Telegram"))</p>"
            : ""
        return ConsolePage(
            title: "Log in",
            main: ConsoleMarkup.form(
                id: "login", action: "\(ConsoleRoutes.prefix)/login", csrf: csrf,
                content: ConsoleMarkup.input(tokenField, form: "login", failure: failure), submit: "Log in", failure: failure)
                + telegram)
    }
}
