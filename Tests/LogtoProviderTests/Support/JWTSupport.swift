import Foundation
import JWTKit
import StrictJSON

/// Reading JWT parts without verifying.
enum JWTParts {
    struct NotAJWT: Error {}

    static func header(_ token: String) throws -> JSONValue { try part(token, 0) }
    static func claims(_ token: String) throws -> JSONValue { try part(token, 1) }

    private static func part(_ token: String, _ index: Int) throws -> JSONValue {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else { throw NotAJWT() }
        var base64 = String(segments[index]).replacing("-", with: "+").replacing("_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { throw NotAJWT() }
        return try JSONValue.parse(Array(data))
    }
}

/// The claims of a Logto access token, verified with jwt-kit against a JWKS, as a resource server does.
struct LogtoAccessTokenClaims: JWTPayload {
    let iss: IssuerClaim
    let sub: SubjectClaim
    let aud: AudienceClaim
    let exp: ExpirationClaim
    let iat: IssuedAtClaim
    let jti: IDClaim
    let scope: String
    let client_id: String

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }

    /// Verifies `token`'s signature with the key set `jwks` and returns its claims.
    static func verify(_ token: String, jwks: JSONValue) async throws -> LogtoAccessTokenClaims {
        let keys = try await JWTKeyCollection().add(jwksJSON: jwks.serialized)
        return try await keys.verify(token, as: LogtoAccessTokenClaims.self)
    }
}
