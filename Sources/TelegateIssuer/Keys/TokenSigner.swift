import StrictJSON
import TelegateCore
import TelegramAuth

/// Signs compact JWS tokens with one key.
public struct TokenSigner: Sendable {
    /// The key id written in every header.
    public let kid: String
    /// The signing algorithm.
    public var algorithm: SigningAlgorithm { material.algorithm }
    let material: SigningKeyMaterial
    /// Encoded headers by `typ`, computed once: every token of a kind has the same header.
    private let encodedHeaders: [String: String]

    /// Creates a signer.
    public init(kid: String, material: SigningKeyMaterial) {
        self.kid = kid
        self.material = material
        self.encodedHeaders = Dictionary(
            uniqueKeysWithValues: ["JWT", "at+jwt"].map { type in
                (type, Self.encodedHeader(algorithm: material.algorithm, kid: kid, type: type))
            })
    }

    /// A compact JWS with header `{"alg", "kid", "typ"}` and `claims`.
    public func sign(claims: JSONValue, type: String) throws -> String {
        let header = encodedHeaders[type] ?? Self.encodedHeader(algorithm: algorithm, kid: kid, type: type)
        let input = header + "." + Base64.urlEncode(claims.serializedBytes)
        return input + "." + Base64.urlEncode(try material.sign(Array(input.utf8)))
    }

    private static func encodedHeader(algorithm: SigningAlgorithm, kid: String, type: String) -> String {
        let header = JSONValue.object([("alg", .string(algorithm.rawValue)), ("kid", .string(kid)), ("typ", .string(type))])
        return Base64.urlEncode(header.serializedBytes)
    }
}
