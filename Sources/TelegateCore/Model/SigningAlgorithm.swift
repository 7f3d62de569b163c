/// The algorithms the built-in issuer signs with.
public enum SigningAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 and a 2048-bit key: what every verifier accepts, and what RFC 9068 requires
    /// resource servers to support. The slowest to sign.
    case rs256 = "RS256"
    /// ECDSA P-256 with SHA-256: about thirty times cheaper to sign than RS256.
    case es256 = "ES256"
    /// Ed25519.
    case edDSA = "EdDSA"
}
