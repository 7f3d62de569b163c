import Crypto
import StrictJSON
import TelegateCore
import TelegramAuth
import _CryptoExtras

/// A private signing key: generation, storage form, public JWK and JWS signatures.
public struct SigningKeyMaterial: Sendable {
    enum Key: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    let key: Key
    public let algorithm: SigningAlgorithm

    /// A new key for `algorithm` (RSA keys are 2048-bit).
    public static func generate(_ algorithm: SigningAlgorithm) throws -> SigningKeyMaterial {
        switch algorithm {
        case .rs256: SigningKeyMaterial(key: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)), algorithm: algorithm)
        case .es256: SigningKeyMaterial(key: .p256(P256.Signing.PrivateKey()), algorithm: algorithm)
        case .edDSA: SigningKeyMaterial(key: .ed25519(Curve25519.Signing.PrivateKey()), algorithm: algorithm)
        }
    }

    /// A key restored from ``privateKeyBytes``.
    public init(algorithm: SigningAlgorithm, privateKeyBytes: [UInt8]) throws {
        self.algorithm = algorithm
        switch algorithm {
        case .rs256: key = .rsa(try _RSA.Signing.PrivateKey(derRepresentation: privateKeyBytes))
        case .es256: key = .p256(try P256.Signing.PrivateKey(rawRepresentation: privateKeyBytes))
        case .edDSA: key = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: privateKeyBytes))
        }
    }

    private init(key: Key, algorithm: SigningAlgorithm) {
        self.key = key
        self.algorithm = algorithm
    }

    /// The private key in its storage form (DER for RSA, raw scalar otherwise), to be sealed.
    public var privateKeyBytes: [UInt8] {
        switch key {
        case .rsa(let key): Array(key.derRepresentation)
        case .p256(let key): Array(key.rawRepresentation)
        case .ed25519(let key): Array(key.rawRepresentation)
        }
    }

    /// The public members of the JWK, without `kid`, `alg` or `use`, in RFC 7638 thumbprint order.
    private var publicMembers: [(key: String, value: JSONValue)] {
        switch key {
        case .rsa(let key):
            let primitives = try! key.publicKey.getKeyPrimitives()
            return [
                ("e", .string(Base64.urlEncode(primitives.publicExponent))), ("kty", .string("RSA")),
                ("n", .string(Base64.urlEncode(primitives.modulus))),
            ]
        case .p256(let key):
            let raw = Array(key.publicKey.rawRepresentation)
            return [
                ("crv", .string("P-256")), ("kty", .string("EC")), ("x", .string(Base64.urlEncode(raw[0..<32]))),
                ("y", .string(Base64.urlEncode(raw[32..<64]))),
            ]
        case .ed25519(let key):
            return [
                ("crv", .string("Ed25519")), ("kty", .string("OKP")),
                ("x", .string(Base64.urlEncode(key.publicKey.rawRepresentation))),
            ]
        }
    }

    /// The RFC 7638 thumbprint of the public key, used as its `kid`.
    public var thumbprint: String {
        Base64.urlEncode(Array(SHA256.hash(data: JSONValue.object(publicMembers).serializedBytes)))
    }

    /// The public JWK: `kid`, `alg`, `use: sig` and the public key members only.
    public func publicJWK(kid: String) -> JSONValue {
        .object([("kid", .string(kid)), ("alg", .string(algorithm.rawValue)), ("use", .string("sig"))] + publicMembers)
    }

    /// The JWS signature of `input` (for ECDSA, the raw `r‖s` form JWS requires).
    public func sign(_ input: [UInt8]) throws -> [UInt8] {
        switch key {
        case .rsa(let key):
            Array(try key.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .p256(let key): Array(try key.signature(for: input).rawRepresentation)
        case .ed25519(let key): Array(try key.signature(for: input))
        }
    }
}
