import TelegateIssuer
import TelegramAuth

/// The CSRF defence of Telegate's HTML forms (the hosted login and consent pages, the console): a random token set
/// as an `HttpOnly` cookie with the page and repeated in a hidden field of its form; a form is accepted only when
/// both are present and equal (compared in constant time). Another site can make a browser send the cookie, but it
/// cannot read it to fill in the field.
enum DoubleSubmitToken {
    /// The token a page puts in its form and cookie: the browser's cookie when it is well formed (32 random bytes in
    /// base64url, 43 characters), otherwise a new one.
    static func token(reusing cookie: String?) -> String {
        cookie.flatMap { $0.utf8.count == 43 ? $0 : nil } ?? RandomSecret().value
    }

    /// Whether a form's field carries the token of the browser's cookie.
    static func matches(cookie: String?, field: String?) -> Bool {
        guard let cookie, let field, !cookie.isEmpty else { return false }
        return ConstantTime.equal(cookie, field)
    }
}
