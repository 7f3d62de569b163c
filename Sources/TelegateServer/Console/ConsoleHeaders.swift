import HTTPTypes

/// The response headers of a console page.
enum ConsoleHeaders {
    /// Nothing but the console's own script and stylesheet (no inline script or style, no other origin), forms
    /// posted only to the console itself, and no framing at all.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// Every header a page carries: HTML in UTF-8, its CSP, never cached (it holds a CSRF token and admin data),
    /// never sniffed, never framed, and only this origin as referrer.
    static var page: HTTPFields {
        [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: contentSecurityPolicy,
            .cacheControl: "no-store",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("Referrer-Policy")!: "same-origin",
        ]
    }
}
