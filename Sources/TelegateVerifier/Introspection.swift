/// The issuer's introspection answer (RFC 7662) for a token.
public struct Introspection: Sendable, Equatable {
    /// Whether the issuer still honours the token: `false` for revoked, expired and unknown tokens.
    public let active: Bool
    /// The answer's members (`scope`, `client_id`, `sub`, `exp`, …); only `active` when inactive.
    public let members: [String: ClaimValue]
}
