import TelegateCore

/// The page of a refused request: what went wrong, its stable code, and what to do next.
enum ConsoleErrorPage {
    /// The page of an error from the admin layer (or the console's own checks).
    static func page(_ error: TelegateError) -> ConsolePage {
        ConsolePage(
            title: error.status == 404 ? "Not found" : "Something went wrong",
            main: "<p class=\"error\" role=\"alert\">\(ConsoleMarkup.errorText(error))</p>"
                + "<p>\(ConsoleMarkup.link(ConsoleRoutes.prefix, "Back to the console"))</p>",
            status: error.status)
    }

    /// A form posted from another origin.
    static var crossSite: ConsolePage {
        page(TelegateError(.csrfMismatch, "this form was not sent from the console's own pages", reason: "origin"))
    }

    /// A form posted without the CSRF token of its page.
    static var csrf: ConsolePage {
        page(
            TelegateError(
                .csrfMismatch, "this form has expired or was not sent from the console; open the page again and retry",
                reason: "csrf_token"))
    }
}
