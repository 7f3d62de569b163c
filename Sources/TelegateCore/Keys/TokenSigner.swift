import StrictJSON
import TelegramAuth

/// Signs compact JWS tokens with one key.
public struct TokenSigner: Sendable {
    /// The key id written in every header.
    public let kid: String
    /// The signing algorithm.
    public var algorithm: SigningAlgorithm { material.algorithm }
    let material: SigningKeyMaterial

    /// Creates a signer.
    public init(kid: String, material: SigningKeyMaterial) {
        self.kid = kid
        self.material = material
    }

    /// A compact JWS with header `{"alg", "kid", "typ"}` and `claims`.
    public func sign(claims: JSONValue, type: String) throws -> String {
        let header = JSONValue.object([
            ("alg", .string(algorithm.rawValue)), ("kid", .string(kid)), ("typ", .string(type)),
        ])
        let input = Base64.urlEncode(header.serializedBytes) + "." + Base64.urlEncode(claims.serializedBytes)
        return input + "." + Base64.urlEncode(try material.sign(Array(input.utf8)))
    }
}
