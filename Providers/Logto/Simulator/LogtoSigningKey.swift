import Crypto
import Foundation
import StrictJSON
import _CryptoExtras

/// The tenant's signing key: EC P-384 (ES384, Logto's default) or RSA 2048 (RS256), with its public JWK.
struct LogtoSigningKey: Sendable {
    private enum Key: Sendable {
        case p384(P384.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    private let key: Key
    let kid: String
    let algorithm: LogtoSimulatorConfiguration.SigningAlgorithm

    init(_ algorithm: LogtoSimulatorConfiguration.SigningAlgorithm) throws {
        self.algorithm = algorithm
        self.kid = LogtoRandom.id(length: 16)
        switch algorithm {
        case .es384: key = .p384(P384.Signing.PrivateKey())
        case .rs256: key = .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        }
    }

    /// The public key as a JWK.
    var jwk: JSONValue {
        switch key {
        case .p384(let key):
            let raw = Array(key.publicKey.rawRepresentation)
            return .object([
                ("kty", .string("EC")), ("crv", .string("P-384")), ("x", .string(LogtoBase64URL.encode(raw[0..<48]))),
                ("y", .string(LogtoBase64URL.encode(raw[48..<96]))), ("kid", .string(kid)), ("alg", .string("ES384")),
                ("use", .string("sig")),
            ])
        case .rsa(let key):
            let primitives = try! key.publicKey.getKeyPrimitives()  // An RSA key always has its primitives.
            return .object([
                ("kty", .string("RSA")), ("n", .string(LogtoBase64URL.encode(primitives.modulus))),
                ("e", .string(LogtoBase64URL.encode(primitives.publicExponent))), ("kid", .string(kid)),
                ("alg", .string("RS256")), ("use", .string("sig")),
            ])
        }
    }

    /// A compact JWS of `claims` with header `typ`.
    func sign(claims: JSONValue, type: String) throws -> String {
        let header = JSONValue.object([("alg", .string(algorithm.rawValue)), ("typ", .string(type)), ("kid", .string(kid))])
        let input = LogtoBase64URL.encode(header.serializedBytes) + "." + LogtoBase64URL.encode(claims.serializedBytes)
        let signature: Data
        switch key {
        case .p384(let key): signature = try key.signature(for: Data(input.utf8)).rawRepresentation
        case .rsa(let key):
            signature = try key.signature(for: SHA256.hash(data: Data(input.utf8)), padding: .insecurePKCS1v1_5).rawRepresentation
        }
        return input + "." + LogtoBase64URL.encode(signature)
    }
}

/// Unpadded base64url.
enum LogtoBase64URL {
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// Random identifiers shaped like Logto's.
enum LogtoRandom {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// `length` characters of `[a-z0-9]` (Logto user ids are 12).
    static func id(length: Int) -> String {
        String((0..<length).map { _ in alphabet.randomElement()! })
    }
}
