import Crypto
import Foundation
import StrictJSON
import TelegramAuth

/// Tokens an attacker could make: any header over a real token's claims, signed with a key of their own or not at
/// all.
enum ForgedToken {
    /// `header` and `claims` signed with the P-256 `key` (ES256's JWS form, r‖s).
    static func es256(header: JSONValue, claims: JSONValue, key: P256.Signing.PrivateKey) throws -> String {
        let input = encode(header) + "." + encode(claims)
        return input + "." + Base64.urlEncode(try key.signature(for: Data(input.utf8)).rawRepresentation)
    }

    /// `header` over `token`'s claims, keeping `token`'s signature.
    static func reheaded(_ token: String, header: JSONValue) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return encode(header) + "." + parts[1] + "." + parts[2]
    }

    static func encode(_ value: JSONValue) -> String {
        Base64.urlEncode(Array(value.serialized.utf8))
    }
}
