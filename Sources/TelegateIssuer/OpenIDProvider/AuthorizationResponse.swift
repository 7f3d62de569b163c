import TelegateCore
import TelegramAuth

/// Where the authorization endpoint sends the browser back: the client's redirect URI with the code or the error in
/// its query (RFC 6749 §4.1.2), always with the `state` sent and the issuer (`iss`, RFC 9207).
public enum AuthorizationResponse {
    /// The redirect carrying `code`.
    public static func success(redirectURI: String, code: String, state: String?, issuer: String) -> String {
        location(redirectURI, [("code", code)], state: state, issuer: issuer)
    }

    /// The redirect carrying `error`.
    public static func failure(redirectURI: String, error: OAuthError, state: String?, issuer: String) -> String {
        location(redirectURI, [("error", error.error), ("error_description", error.description)], state: state, issuer: issuer)
    }

    private static func location(
        _ redirectURI: String, _ fields: [(key: String, value: String)], state: String?, issuer: String
    ) -> String {
        var fields = fields
        if let state { fields.append(("state", state)) }
        fields.append(("iss", issuer))
        let separator = redirectURI.contains("?") ? "&" : "?"
        return redirectURI + separator + TelegramEncoding.queryString(fields)
    }
}
