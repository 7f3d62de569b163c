import Crypto
import StrictJSON
import TelegramAuth
import _CryptoExtras

/// An RSA key that signs ID tokens with RS256 under Telegram's key id `oidc-1`. The simulator holds two: the one
/// its key set publishes, and one it does not, for tokens a verifier must refuse.
struct TelegramSigningKey: Sendable {
    /// Telegram's key id for its RS256 key.
    static let kid = "oidc-1"

    private let key: _RSA.Signing.PrivateKey

    init() throws {
        key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    }

    /// The public key as a JWK.
    var jwk: JSONValue {
        let primitives = try! key.publicKey.getKeyPrimitives()  // An RSA key always has its primitives.
        return .object([
            ("kty", .string("RSA")), ("use", .string("sig")), ("alg", .string("RS256")), ("kid", .string(Self.kid)),
            ("n", .string(Base64.urlEncode(primitives.modulus))), ("e", .string(Base64.urlEncode(primitives.publicExponent))),
        ])
    }

    /// A compact JWS of `claims`.
    func sign(_ claims: JSONValue) throws -> String {
        let header = JSONValue.object([("alg", .string("RS256")), ("kid", .string(Self.kid)), ("typ", .string("JWT"))])
        let input = Base64.urlEncode(header.serializedBytes) + "." + Base64.urlEncode(claims.serializedBytes)
        let signature = try key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + Base64.urlEncode(signature.rawRepresentation)
    }
}
