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

    /// `claims` signed with `key` as an ES256 ID token (`typ: JWT`) under `kid` (none when `nil`), with `extraHeader`
    /// members after those.
    static func es256(
        kid: String?, claims: JSONValue, key: P256.Signing.PrivateKey, extraHeader: [(key: String, value: JSONValue)] = []
    ) throws -> String {
        var header: [(key: String, value: JSONValue)] = [("alg", .string("ES256"))]
        if let kid { header.append(("kid", .string(kid))) }
        header.append(("typ", .string("JWT")))
        return try es256(header: .object(header + extraHeader), claims: claims, key: key)
    }

    /// `key` as the JWK of an ES256 signature key named `kid`, as a JWKS publishes it.
    static func jwk(_ key: P256.Signing.PublicKey, kid: String) -> JSONValue {
        let point = Array(key.rawRepresentation)  // x ‖ y, 32 bytes each
        return .object([
            ("kty", .string("EC")), ("crv", .string("P-256")), ("alg", .string("ES256")), ("use", .string("sig")), ("kid", .string(kid)),
            ("x", .string(Base64.urlEncode(point.prefix(32)))), ("y", .string(Base64.urlEncode(point.suffix(32)))),
        ])
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
