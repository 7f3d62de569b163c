/// The JWS algorithms a Telegram `id_token` may be verified with. The set a bot accepts is configuration; the
/// token's header never chooses outside it. `none`, HMAC and everything else are not representable.
public enum JWSAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (Telegram's default).
    case rs256 = "RS256"
    /// ECDSA P-256 with SHA-256.
    case es256 = "ES256"
    /// Ed25519. Telegram allows only the `openid` scope with it, so tokens carry no `id` claim.
    case edDSA = "EdDSA"

    /// The default allow-list: the two algorithms under which Telegram issues the `profile` claims.
    public static let defaultAllowed: Set<JWSAlgorithm> = [.rs256, .es256]
}
