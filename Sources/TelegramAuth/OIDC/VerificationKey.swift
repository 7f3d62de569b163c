import Crypto
import JWTKit
import StrictJSON

/// One usable key from a JSON Web Key Set, bound to exactly one algorithm.
package struct VerificationKey: Sendable {
    package let kid: String
    package let algorithm: JWSAlgorithm
    /// A collection holding only this key; jwt-kit performs the signature check.
    let collection: JWTKeyCollection

    /// Reads one JWK. Returns `nil` for keys that must be ignored (RFC 7517 §5): unknown `kty` or curve (such as
    /// Telegram's secp256k1 key), missing members, RSA under 2048 bits, `use` other than `sig`, `key_ops` without
    /// `verify`, an `alg` that does not fit the key.
    package static func parse(_ jwk: JSONValue) async -> VerificationKey? {
        guard case .object = jwk, let kid = jwk["kid"]?.stringValue, !kid.isEmpty, kid.utf8.count <= 256 else {
            return nil
        }
        if let use = jwk["use"], use.stringValue != "sig" { return nil }
        if let ops = jwk["key_ops"] {
            guard case .array(let list) = ops, list.contains(.string("verify")) else { return nil }
        }
        let declared = jwk["alg"]?.stringValue
        if jwk["alg"] != nil, declared == nil { return nil }
        let collection = JWTKeyCollection()
        let identifier = JWKIdentifier(string: kid)
        switch jwk["kty"]?.stringValue {
        case "RSA":
            guard declared == nil || declared == "RS256",
                let n = jwk["n"]?.stringValue, let e = jwk["e"]?.stringValue,
                let modulus = Base64.decode(Array(n.utf8), alphabet: .url, allowPadding: false, canonical: false),
                modulus.drop(while: { $0 == 0 }).count >= 256,
                let key = try? Insecure.RSA.PublicKey(modulus: n, exponent: e)
            else { return nil }
            await collection.add(rsa: key, digestAlgorithm: .sha256, kid: identifier)
            return VerificationKey(kid: kid, algorithm: .rs256, collection: collection)
        case "EC":
            guard jwk["crv"]?.stringValue == "P-256", declared == nil || declared == "ES256",
                let x = jwk["x"]?.stringValue, let y = jwk["y"]?.stringValue,
                Base64.decode(Array(x.utf8), alphabet: .url, allowPadding: false, canonical: true)?.count == 32,
                Base64.decode(Array(y.utf8), alphabet: .url, allowPadding: false, canonical: true)?.count == 32,
                let key = try? ES256PublicKey(parameters: (x, y))
            else { return nil }
            await collection.add(ecdsa: key, kid: identifier)
            return VerificationKey(kid: kid, algorithm: .es256, collection: collection)
        case "OKP":
            guard jwk["crv"]?.stringValue == "Ed25519", declared == nil || declared == "EdDSA" || declared == "Ed25519",
                let x = jwk["x"]?.stringValue,
                let raw = Base64.decode(Array(x.utf8), alphabet: .url, allowPadding: false, canonical: true),
                let backing = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
            else { return nil }
            await collection.add(eddsa: EdDSA.PublicKey(backing: backing), kid: identifier)
            return VerificationKey(kid: kid, algorithm: .edDSA, collection: collection)
        default:
            return nil
        }
    }

    /// Whether `token`'s signature verifies under this key.
    package func verifies(_ token: String) async -> Bool {
        do {
            _ = try await collection.verify(token, as: SignatureOnly.self)
            return true
        } catch {
            return false
        }
    }
}

/// A payload that reads nothing: claims are read by ``CompactJWS`` from the same bytes, strictly.
private struct SignatureOnly: JWTPayload {
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {}
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
