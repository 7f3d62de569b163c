import Crypto
import StrictJSON
import _CryptoExtras

/// Minimal, independent JOSE for the relying-party simulators: compact JWS splitting and signature checks for
/// RS256, ES256 and EdDSA keys from a JWK set.
struct CompactToken {
    let header: JSONValue
    let claims: JSONValue
    let signingInput: [UInt8]
    let signature: [UInt8]

    init(_ token: String) throws(RelyingPartyRejection) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count != 5 else { throw RelyingPartyRejection("JWE tokens are not supported") }
        guard parts.count == 3, let header = Self.base64URL(parts[0]), let claims = Self.base64URL(parts[1]),
            let signature = Self.base64URL(parts[2])
        else { throw RelyingPartyRejection("Could not decode token") }
        do {
            self.header = try JSONValue.parse(header)
            self.claims = try JSONValue.parse(claims)
        } catch {
            throw RelyingPartyRejection("Could not decode token")
        }
        self.signingInput = Array((parts[0] + "." + parts[1]).utf8)
        self.signature = signature
    }

    static func base64URL(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Base64Decoding.decode(base64)
    }
}

/// One key of a JWK set, as a relying party sees it.
struct JSONWebKey {
    let kid: String?
    let alg: String?
    let kty: String
    let verify: (_ algorithm: String, _ input: [UInt8], _ signature: [UInt8]) -> Bool

    /// Parses one key; `nil` for keys the relying party ignores.
    init?(_ jwk: JSONValue) {
        guard let kty = jwk["kty"]?.stringValue else { return nil }
        self.kid = jwk["kid"]?.stringValue
        self.alg = jwk["alg"]?.stringValue
        self.kty = kty
        switch kty {
        case "RSA":
            guard let n = jwk["n"]?.stringValue.flatMap(CompactToken.base64URL),
                let e = jwk["e"]?.stringValue.flatMap(CompactToken.base64URL),
                let key = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { return nil }
            verify = { algorithm, input, signature in
                algorithm == "RS256"
                    && key.isValidSignature(
                        _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input),
                        padding: .insecurePKCS1v1_5)
            }
        case "EC":
            guard jwk["crv"]?.stringValue == "P-256", let x = jwk["x"]?.stringValue.flatMap(CompactToken.base64URL),
                let y = jwk["y"]?.stringValue.flatMap(CompactToken.base64URL),
                let key = try? P256.Signing.PublicKey(rawRepresentation: x + y)
            else { return nil }
            verify = { algorithm, input, signature in
                guard algorithm == "ES256", let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
                else { return false }
                return key.isValidSignature(parsed, for: input)
            }
        case "OKP":
            guard jwk["crv"]?.stringValue == "Ed25519", let x = jwk["x"]?.stringValue.flatMap(CompactToken.base64URL),
                let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x)
            else { return nil }
            verify = { algorithm, input, signature in
                (algorithm == "EdDSA" || algorithm == "Ed25519") && key.isValidSignature(signature, for: input)
            }
        default:
            return nil
        }
    }

    /// Whether the key can verify `algorithm`.
    func supports(_ algorithm: String) -> Bool {
        if let alg, alg != algorithm { return false }
        switch algorithm {
        case "RS256": return kty == "RSA"
        case "ES256": return kty == "EC"
        case "EdDSA": return kty == "OKP"
        default: return false
        }
    }

    /// Every usable key of a JWK set document.
    static func set(_ document: JSONValue) -> [JSONWebKey] {
        (document["keys"]?.arrayElements ?? []).compactMap(JSONWebKey.init)
    }

    /// Whether a JWK (public or not) carries private members.
    static func hasPrivateMembers(_ jwk: JSONValue) -> Bool {
        ["d", "p", "q", "dp", "dq", "qi", "k"].contains { jwk[$0] != nil }
    }
}

/// Standard base64 decoding.
enum Base64Decoding {
    static func decode(_ text: String) -> [UInt8]? {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in table.enumerated() { values[Int(byte)] = UInt8(index) }
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text.utf8 where byte != UInt8(ascii: "=") {
            let value = values[Int(byte)]
            guard value != 0xFF else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }
}
