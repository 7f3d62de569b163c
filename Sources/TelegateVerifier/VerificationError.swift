/// Why ``TelegateVerifier`` refused a token or could not decide. Never carries the token or any part of it.
public enum VerificationError: Error, Equatable, Sendable {
    /// Not a compact JWS with a JSON header and JSON claims, or a header with `crit`: the verifier understands no
    /// JWS extension, so every critical one is unknown to it (RFC 7515 §4.1.11).
    case malformed
    /// The header's `alg` is not an asymmetric signature algorithm (`none` and `HS*` are always refused).
    case unsupportedAlgorithm
    /// The header's `alg` differs from the `alg` the issuer published for the key.
    case algorithmMismatch
    /// The header has no `kid`, or names a key the issuer does not publish (after the allowed refetch).
    case unknownKey
    /// The signature does not verify with the published key.
    case invalidSignature
    /// The header's `typ` is not the one of the expected kind (`JWT` for ID tokens, `at+jwt` for access tokens).
    case wrongType
    /// `iss` is not exactly the configured issuer.
    case wrongIssuer
    /// `aud` does not contain the configured audience.
    case wrongAudience
    /// `exp` has passed (beyond the leeway).
    case expired
    /// `nbf` or `iat` is in the future (beyond the leeway).
    case notYetValid
    /// A required claim (`sub`, `exp`, `iat`) is missing or of the wrong type.
    case missingClaim(String)
    /// The issuer's discovery document or JWKS could not be fetched and no keys are cached.
    case keysUnavailable
    /// Introspection was asked for but no client credentials are configured, or the issuer has no endpoint.
    case introspectionNotConfigured
    /// The introspection endpoint could not be reached or did not answer 200 with a JSON object.
    case introspectionUnavailable
    /// Introspection answered `active: false`: the token is revoked, expired or unknown to the issuer.
    case revoked
}

extension VerificationError: CustomStringConvertible {
    /// A short English reason, safe to show to the token's holder (it names no key, claim value or secret).
    public var description: String {
        switch self {
        case .malformed: "the token is not a well-formed JWT"
        case .unsupportedAlgorithm: "the token's algorithm is not accepted"
        case .algorithmMismatch: "the token's algorithm is not its key's"
        case .unknownKey: "the token is signed with an unknown key"
        case .invalidSignature: "the token's signature is invalid"
        case .wrongType: "the token is of another type"
        case .wrongIssuer: "the token is from another issuer"
        case .wrongAudience: "the token is meant for another audience"
        case .expired: "the token has expired"
        case .notYetValid: "the token is not valid yet"
        case .missingClaim(let name): "the token has no valid \(name) claim"
        case .keysUnavailable: "the issuer's keys are unavailable"
        case .introspectionNotConfigured: "introspection is not configured"
        case .introspectionUnavailable: "the issuer's introspection endpoint is unavailable"
        case .revoked: "the token has been revoked"
        }
    }

    /// Whether the issuer could not be reached to decide (keys or introspection unavailable): the token may be
    /// good, so the caller should answer "try again later" rather than "unauthorized".
    public var isUnavailable: Bool {
        self == .keysUnavailable || self == .introspectionUnavailable
    }
}
