import StrictJSON

/// An OAuth 2.0 token response (RFC 6749 §5.1), as the refresh grant answers it.
public struct TokenResponse: Sendable {
    public var accessToken: String
    public var expiresIn: Int64
    public var idToken: String?
    public var refreshToken: String?
    public var scope: String?

    /// Creates a response.
    public init(
        accessToken: String, expiresIn: Int64, idToken: String? = nil, refreshToken: String? = nil, scope: String? = nil
    ) {
        self.accessToken = accessToken
        self.expiresIn = expiresIn
        self.idToken = idToken
        self.refreshToken = refreshToken
        self.scope = scope
    }

    /// The token type: every access token Telegate issues is a bearer token (RFC 6750).
    public var tokenType: String { "Bearer" }

    /// The response body.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("access_token", .string(accessToken)), ("token_type", .string(tokenType)),
            ("expires_in", .integer(expiresIn)),
        ]
        if let idToken { members.append(("id_token", .string(idToken))) }
        if let refreshToken { members.append(("refresh_token", .string(refreshToken))) }
        if let scope { members.append(("scope", .string(scope))) }
        return .object(members)
    }
}
