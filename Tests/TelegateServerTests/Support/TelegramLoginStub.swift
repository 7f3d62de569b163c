import Crypto
import Foundation
import StrictJSON
import Synchronization
import TelegramAuth
import _CryptoExtras

/// Stands in for oauth.telegram.org: an RSA key that signs Telegram Login id_tokens, and its key set served
/// through a fetcher (no network in tests).
final class TelegramLoginStub: TelegramOIDCFetcher {
    static let sharedKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    let kid = "oidc-1"

    func keySet() -> TelegramKeySet { TelegramKeySet(fetcher: self) }

    func get(_ url: String) async throws -> TelegramOIDCResponse {
        let body: String
        switch url {
        case "https://oauth.telegram.org/.well-known/openid-configuration":
            body = #"{"issuer":"https://oauth.telegram.org","jwks_uri":"https://oauth.telegram.org/.well-known/jwks.json"}"#
        case "https://oauth.telegram.org/.well-known/jwks.json":
            let primitives = try Self.sharedKey.publicKey.getKeyPrimitives()
            body = JSONValue.object([
                (
                    "keys",
                    .array([
                        .object([
                            ("kty", .string("RSA")), ("kid", .string(kid)), ("alg", .string("RS256")), ("use", .string("sig")),
                            ("n", .string(Base64.urlEncode(primitives.modulus))),
                            ("e", .string(Base64.urlEncode(primitives.publicExponent))),
                        ])
                    ])
                )
            ]).serialized
        default:
            return TelegramOIDCResponse(status: 404, contentType: nil, body: [])
        }
        return TelegramOIDCResponse(status: 200, contentType: "application/json", body: Array(body.utf8))
    }

    /// An id_token for `user` issued for bot `botID` at `now`.
    func idToken(botID: Int64, user: TelegramUser, now: Int64, nonce: String? = nil) throws -> String {
        var claims: [(key: String, value: JSONValue)] = [
            ("iss", .string("https://oauth.telegram.org")), ("aud", .string(String(botID))), ("sub", .string("opaque-\(user.id)")),
            ("iat", .integer(now)), ("exp", .integer(now + 3600)), ("id", .integer(user.id)), ("name", .string(user.firstName)),
            ("given_name", .string(user.firstName)),
        ]
        if let username = user.username { claims.append(("preferred_username", .string(username))) }
        if let nonce { claims.append(("nonce", .string(nonce))) }
        let header = JSONValue.object([("alg", .string("RS256")), ("kid", .string(kid)), ("typ", .string("JWT"))])
        let input = Base64.urlEncode(header.serializedBytes) + "." + Base64.urlEncode(JSONValue.object(claims).serializedBytes)
        let signature = try Self.sharedKey.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + Base64.urlEncode(signature.rawRepresentation)
    }
}
