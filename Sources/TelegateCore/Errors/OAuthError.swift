import StrictJSON

/// An OAuth 2.0 error response (RFC 6749 §5.2), as the token endpoint answers.
public struct OAuthError: Error, Sendable, Equatable {
    /// `invalid_request`, `invalid_grant`, `unsupported_grant_type`, …
    public let error: String
    /// A safe explanation.
    public let description: String
    /// The HTTP status (400, or 503 with `Retry-After` when storage is down).
    public let status: Int

    /// Creates an error.
    public init(_ error: String, _ description: String, status: Int = 400) {
        self.error = error
        self.description = description
        self.status = status
    }

    /// The response body.
    public var json: JSONValue {
        .object([("error", .string(error)), ("error_description", .string(description))])
    }

    package static let invalidGrant = OAuthError("invalid_grant", "the refresh token is invalid, expired or revoked")
}
