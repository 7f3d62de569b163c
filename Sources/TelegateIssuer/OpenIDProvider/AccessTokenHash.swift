import Crypto
import TelegateCore
import TelegramAuth

/// The ID token's `at_hash` (OpenID Connect Core §3.1.3.6): the left half of the hash of the access token's ASCII
/// octets, with the hash of the ID token's signing algorithm, base64url without padding.
public enum AccessTokenHash {
    /// The `at_hash` of `accessToken` for an ID token signed with `algorithm`: SHA-256 for RS256 and ES256,
    /// SHA-512 for EdDSA (Ed25519).
    public static func value(of accessToken: String, algorithm: SigningAlgorithm) -> String {
        let octets = Array(accessToken.utf8)
        let digest: [UInt8] =
            switch algorithm {
            case .rs256, .es256: Array(SHA256.hash(data: octets))
            case .edDSA: Array(SHA512.hash(data: octets))
            }
        return Base64.urlEncode(digest.prefix(digest.count / 2))
    }
}
