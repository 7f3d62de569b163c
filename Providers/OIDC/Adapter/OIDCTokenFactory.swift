import Crypto
import StrictJSON
import TelegateCore
import TelegateIssuer
import TelegramAuth

/// Builds and signs the ID token and the RFC 9068 access token for a user.
struct OIDCTokenFactory: Sendable {
    let settings: OIDCSettings
    let issuer: String

    /// The ID token: `{alg, kid, typ: JWT}`, claims `iss`, `sub`, `aud` (one string), `iat`, `exp`,
    /// `auth_time`, optionally `amr` and `nonce` (``nonceClaim(_:)`` of the exchange's nonce), and the profile
    /// claims. This shape passes both of Convex's paths (OIDC provider and custom JWT).
    func idToken(for user: UserRecord, now: Int64, authTime: Int64, method: String?, nonce: String?, signer: TokenSigner) throws
        -> String
    {
        var claims: [(key: String, value: JSONValue)] = [
            ("iss", .string(issuer)), ("sub", .string(user.id.rawValue)), ("aud", .string(settings.audience)),
            ("iat", .integer(now)), ("exp", .integer(now + settings.idTokenTTL)), ("auth_time", .integer(authTime)),
        ]
        if let method { claims.append(("amr", .array([.string(method)]))) }
        if let nonce { claims.append(("nonce", .string(Self.nonceClaim(nonce)))) }
        claims += ScopeClaims.profile(user.profile)
        claims.append(("telegram_id", .integer(user.telegramID)))
        claims += settings.idTokenClaims
        return try signer.sign(claims: .object(claims), type: "JWT")
    }

    /// The access token (RFC 9068 §2): `typ: at+jwt`, claims `iss`, `sub`, `aud` (the resource), `client_id`,
    /// `iat`, `exp`, `jti`, `scope`, `auth_time`, `telegram_id`, then the configured extra claims.
    func accessToken(for user: UserRecord, now: Int64, authTime: Int64, signer: TokenSigner) throws -> String {
        let claims: [(key: String, value: JSONValue)] =
            [
                ("iss", .string(issuer)), ("sub", .string(user.id.rawValue)), ("aud", .string(settings.resource)),
                ("client_id", .string(settings.clientID)), ("iat", .integer(now)),
                ("exp", .integer(now + settings.accessTokenTTL)), ("jti", .string(Self.tokenID())),
                ("scope", .string(settings.scopes.joined(separator: " "))), ("auth_time", .integer(authTime)),
                ("telegram_id", .integer(user.telegramID)),
            ] + settings.accessTokenClaims
        return try signer.sign(claims: .object(claims), type: "at+jwt")
    }

    /// The ID token's `nonce` for the nonce a client sent: the lowercase hex SHA-256 of its bytes, which is what
    /// Supabase Auth's `signInWithIdToken` compares with the hash of the `nonce` it is given. The client keeps the
    /// raw value; the token only carries its hash.
    static func nonceClaim(_ nonce: String) -> String {
        Hex.encode(Array(SHA256.hash(data: Array(nonce.utf8))))
    }

    /// 128 random bits, base64url.
    private static func tokenID() -> String {
        Base64.urlEncode(SecureRandom.bytes(16))
    }
}
