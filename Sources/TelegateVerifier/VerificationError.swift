/// Why ``TelegateVerifier`` refused a token or could not decide. Never carries the token or any part of it.
public enum VerificationError: Error, Equatable, Sendable {
    /// Not a compact JWS with a JSON header and JSON claims.
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
