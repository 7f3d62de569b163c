import Crypto
import Foundation
import StrictJSON
import _CryptoExtras

/// Compact JWS as Google reads and writes it: RS256 over `header.payload`, unpadded base64url.
enum FirebaseJWS {
    /// A token split into its parts, before its signature is checked.
    struct Parts: Sendable {
        let header: JSONValue
        let payload: JSONValue
        let signingInput: [UInt8]
        let signature: [UInt8]
    }

    /// The parts of `token`, or `nil` when it is not three base64url segments of which the first two are JSON objects.
    static func parts(of token: String) -> Parts? {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let headerBytes = decode(segments[0]), let payloadBytes = decode(segments[1]),
            let signature = decode(segments[2]), let header = try? JSONValue.parse(headerBytes),
            let payload = try? JSONValue.parse(payloadBytes), header.objectMembers != nil, payload.objectMembers != nil
        else { return nil }
        return Parts(header: header, payload: payload, signingInput: Array((segments[0] + "." + segments[1]).utf8), signature: signature)
    }

    /// Whether `signature` is `key`'s RS256 signature of `input`.
    static func verify(_ signature: [UInt8], of input: [UInt8], with key: _RSA.Signing.PublicKey) -> Bool {
        key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
    }

    /// A compact RS256 JWS of `claims` with header `{"alg": "RS256", "kid", "typ": "JWT"}`.
    static func sign(_ claims: JSONValue, kid: String, with key: _RSA.Signing.PrivateKey) throws -> String {
        let header = JSONValue.object([("alg", .string("RS256")), ("kid", .string(kid)), ("typ", .string("JWT"))])
        let input = encode(header.serializedBytes) + "." + encode(claims.serializedBytes)
        let signature = try key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + encode(signature.rawRepresentation)
    }

    /// The public JWK of `key`.
    static func jwk(of key: _RSA.Signing.PublicKey, kid: String) -> JSONValue {
        let primitives = try! key.getKeyPrimitives()  // An RSA key always has its primitives.
        return .object([
            ("kty", .string("RSA")), ("alg", .string("RS256")), ("use", .string("sig")), ("kid", .string(kid)),
            ("n", .string(encode(primitives.modulus))), ("e", .string(encode(primitives.publicExponent))),
        ])
    }

    /// Unpadded base64url.
    static func encode(_ bytes: some DataProtocol) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func decode(_ segment: Substring) -> [UInt8]? {
        guard !segment.contains("="), !segment.contains("+"), !segment.contains("/") else { return nil }
        var text = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        return Data(base64Encoded: text).map(Array.init)
    }
}
