import HTTPTypes

/// The response headers of a hosted page.
enum PageHeaders {
    /// The Content-Security-Policy of a page whose scripts carry `scriptNonce`: no script but the page's own and
    /// Telegram's, no frame but the Login Widget's, and framing only by this origin and Telegram's web clients
    /// (Mini Apps run in their iframe). Browsers apply `form-action` to the redirects that follow a form
    /// submission too, so it allows where the login's `303` goes: any https redirect URI and the http loopback
    /// ones a native or test client registers.
    static func contentSecurityPolicy(scriptNonce: String) -> String {
        "default-src 'none'; script-src 'nonce-\(scriptNonce)' https://telegram.org; style-src 'unsafe-inline'; "
            + "img-src https: data:; frame-src https://oauth.telegram.org; form-action 'self' https: http://127.0.0.1:* http://localhost:*; "
            + "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org; base-uri 'none'"
    }

    /// Every header a page response carries: HTML in UTF-8, its CSP, never cached (it holds a CSRF token), never
    /// sniffed, and only the origin as referrer (the page's URL holds the authorization request).
    static func fields(scriptNonce: String) -> HTTPFields {
        [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: contentSecurityPolicy(scriptNonce: scriptNonce),
            .cacheControl: "no-store",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "strict-origin",
        ]
    }
}
