import Foundation
import JWTKit

/// The issuer's signing keys as its JWKS publishes them, by `kid`, each with the algorithm it is published for.
/// Only asymmetric signature keys are kept: a JWK without `kid` or `alg`, with another `use`, or for any other
/// algorithm (`none`, `HS*`) is left out.
struct PublishedKeys: Sendable {
    /// The algorithms a published key may be for.
    static let algorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]

    /// One key: its algorithm and a collection holding only it, so no other key is ever tried.
    struct Key: Sendable {
        let algorithm: String
        let collection: JWTKeyCollection
    }

    let keys: [String: Key]

    init(keys: [String: Key] = [:]) {
        self.keys = keys
    }

    /// The keys of a JWKS document; throws when it is not a JSON object with a `keys` array.
    init(jwks data: Data) async throws {
        guard case .object(let document) = try JSONDecoder().decode(ClaimValue.self, from: data),
            case .array(let entries) = document["keys"]
        else { throw VerificationError.keysUnavailable }
        var keys: [String: Key] = [:]
        for case .object(let members) in entries {
            guard let kid = members["kid"]?.stringValue, let algorithm = members["alg"]?.stringValue,
                Self.algorithms.contains(algorithm), ["RSA", "EC", "OKP"].contains(members["kty"]?.stringValue ?? ""),
                members["use"] == nil || members["use"] == .string("sig"),
                let jwk = try? JSONDecoder().decode(JWK.self, from: JSONEncoder().encode(ClaimValue.object(members))),
                let collection = try? await JWTKeyCollection().add(jwk: jwk)
            else { continue }
            keys[kid] = Key(algorithm: algorithm, collection: collection)
        }
        self.keys = keys
    }
}
