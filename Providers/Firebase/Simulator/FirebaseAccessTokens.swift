import StrictJSON
import Synchronization

/// Google's OAuth token endpoint as a service account uses it (the JWT-bearer grant of RFC 7523) and the access
/// tokens it hands out: the assertion must be RS256-signed by a service account Google knows, with `iss` = that
/// account's email, `aud` = the token endpoint's URL, a `scope`, and at most an hour between `iat` and `exp`.
final class FirebaseAccessTokens: Sendable {
    /// What an access token allows.
    struct Grant: Sendable {
        /// The service account it was issued to.
        let email: String
        let scopes: Set<String>
        let expiresAt: Int64
    }

    static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    /// Access tokens live just under an hour, as Google's do.
    static let lifetime: Int64 = 3599
    /// How far in the future Google tolerates an assertion's `iat`.
    static let allowedSkew: Int64 = 300

    private let settings: FirebaseProjectSettings
    private let now: @Sendable () -> Int64
    private let grants = Mutex<[String: Grant]>([:])

    init(settings: FirebaseProjectSettings, now: @escaping @Sendable () -> Int64) {
        self.settings = settings
        self.now = now
    }

    /// `POST /token` with the form `fields`; `audience` is the endpoint's own URL, which the assertion must name.
    func issue(_ fields: [String: String], audience: String) throws(FirebaseOAuthError) -> JSONValue {
        guard let grantType = fields["grant_type"] else {
            throw FirebaseOAuthError(error: "invalid_request", description: "Missing required parameter: grant_type")
        }
        guard grantType == Self.grantType else {
            throw FirebaseOAuthError(error: "unsupported_grant_type", description: "Invalid grant_type: \(grantType.prefix(60))")
        }
        guard let assertion = fields["assertion"], let parts = FirebaseJWS.parts(of: assertion) else {
            throw .invalidGrant("Invalid JWT: the assertion is not a signed JWT.")
        }
        guard parts.header["alg"]?.stringValue == "RS256" else { throw .invalidGrant("Invalid JWT signature algorithm.") }
        let claims = parts.payload
        guard let email = claims["iss"]?.stringValue, let account = settings.account(email: email) else {
            throw .invalidGrant("Invalid grant: account not found")
        }
        guard FirebaseJWS.verify(parts.signature, of: parts.signingInput, with: account.publicKey) else {
            throw .invalidGrant("Invalid JWT Signature.")
        }
        guard claims["aud"]?.stringValue == audience else { throw .invalidGrant("Invalid JWT: Failed audience check.") }
        let time = now()
        guard let issuedAt = claims["iat"]?.integerValue, let expiresAt = claims["exp"]?.integerValue,
            expiresAt > time, issuedAt <= time + Self.allowedSkew, expiresAt - issuedAt <= 3600
        else {
            throw .invalidGrant(
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."
            )
        }
        let scopes = Set((claims["scope"]?.stringValue ?? "").split(separator: " ").map(String.init))
        guard !scopes.isEmpty else {
            throw FirebaseOAuthError(error: "invalid_scope", description: "Invalid OAuth scope or ID token audience provided.")
        }
        let token = "ya29.c." + FirebaseRandom.token(length: 160)
        grants.withLock { $0[token] = Grant(email: email, scopes: scopes, expiresAt: time + Self.lifetime) }
        return .object([
            ("access_token", .string(token)), ("expires_in", .integer(Self.lifetime)), ("token_type", .string("Bearer")),
        ])
    }

    /// The grant of a live access token, from an `Authorization: Bearer …` header.
    func grant(authorization: String?) -> Grant? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let token = String(authorization.dropFirst("bearer ".count))
        let time = now()
        return grants.withLock { $0[token] }.flatMap { $0.expiresAt > time ? $0 : nil }
    }
}
