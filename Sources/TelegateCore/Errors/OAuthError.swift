import StrictJSON

/// An OAuth 2.0 error response (RFC 6749 §5.2), as the token endpoint answers: its code declares its status.
public struct OAuthError: Error, Sendable, Equatable {
    /// An RFC 6749 error code and the HTTP status it is always answered with.
    public struct Code: Hashable, Sendable {
        /// `invalid_request`, `invalid_grant`, …
        public let rawValue: String
        /// The HTTP status.
        public let status: Int

        /// Declares a code answered with `status`.
        public init(_ rawValue: String, status: Int) {
            self.rawValue = rawValue
            self.status = status
        }

        /// A parameter is missing, repeated or malformed.
        public static let invalidRequest = Self("invalid_request", status: 400)
        /// The grant type is not `refresh_token`.
        public static let unsupportedGrantType = Self("unsupported_grant_type", status: 400)
        /// The refresh token cannot be used.
        public static let invalidGrant = Self("invalid_grant", status: 400)
        /// The database is unavailable; retry.
        public static let temporarilyUnavailable = Self("temporarily_unavailable", status: 503)

        // The OpenID Provider's token, userinfo, revocation and introspection endpoints.
        /// Client authentication failed (RFC 6749 §5.2).
        public static let invalidClient = Self("invalid_client", status: 401)
        /// The bearer access token is missing, malformed, expired or revoked (RFC 6750 §3.1).
        public static let invalidToken = Self("invalid_token", status: 401)

        /// Every code the token endpoints answer with.
        public static let catalogue: [Self] = [
            .invalidRequest, .unsupportedGrantType, .invalidGrant, .temporarilyUnavailable, .invalidClient, .invalidScope,
            .invalidToken,
        ]
    }

    /// The code.
    public let code: Code
    /// A safe explanation.
    public let description: String
    /// Seconds after which a retry may succeed (sent as `Retry-After`).
    public let retryAfter: Int?
    /// The `WWW-Authenticate` challenge of a `401` (RFC 6749 §5.2, RFC 6750 §3).
    public let challenge: String?

    /// Creates an error.
    public init(_ code: Code, _ description: String, retryAfter: Int? = nil, challenge: String? = nil) {
        self.code = code
        self.description = description
        self.retryAfter = retryAfter
        self.challenge = challenge
    }

    /// The code's name, the body's `error`.
    public var error: String { code.rawValue }
    /// The HTTP status: the code's.
    public var status: Int { code.status }

    /// The response body.
    public var json: JSONValue {
        .object([("error", .string(error)), ("error_description", .string(description))])
    }

    package static let invalidGrant = OAuthError(.invalidGrant, "the refresh token is invalid, expired or revoked")

    /// `503 temporarily_unavailable`, retry in a few seconds.
    public static let temporarilyUnavailable = OAuthError(.temporarilyUnavailable, "retry shortly", retryAfter: 2)
}
