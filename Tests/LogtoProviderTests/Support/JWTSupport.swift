import JWTKit
import StrictJSON

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
