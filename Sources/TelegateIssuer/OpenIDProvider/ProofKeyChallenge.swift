import Crypto
import TelegramAuth

/// Proof Key for Code Exchange with the `S256` method (RFC 7636); `plain` is never accepted.
public enum ProofKeyChallenge {
    /// Whether `verifier` is a well-formed code verifier (RFC 7636 §4.1: 43 to 128 characters of
    /// `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`).
    public static func isWellFormedVerifier(_ verifier: String) -> Bool {
        (43...128).contains(verifier.utf8.count) && verifier.utf8.allSatisfy(isUnreserved)
    }

    /// The `S256` challenge of `verifier`: `BASE64URL(SHA256(ASCII(verifier)))`, unpadded.
    public static func challenge(of verifier: String) -> String {
        Base64.urlEncode(Array(SHA256.hash(data: Array(verifier.utf8))))
    }

    /// Whether `verifier` answers `challenge` (RFC 7636 §4.6), compared in constant time.
    public static func verify(_ verifier: String, against challenge: String) -> Bool {
        guard isWellFormedVerifier(verifier) else { return false }
        return ConstantTime.equal(Self.challenge(of: verifier), challenge)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
