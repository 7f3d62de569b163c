import StrictJSON
import TelegateCore
import TelegateIssuer

/// An access token of the OpenID Provider that is still good: signed by one of the app's published keys as
/// `at+jwt`, for the app's issuer and userinfo audience, unexpired, and naming a grant that is neither revoked nor
/// expired, of a client that is still registered and a user who may still sign in.
struct IssuedAccessToken {
    let claims: JSONValue
    let grant: ClientGrant
    let user: UserRecord
    /// The scopes the token carries.
    let scopes: [String]

    /// The token `text` if it is good for `runtime` now; `nil` for anything else.
    static func check(_ text: String, runtime: AppRuntime, services: TelegateServices) async throws -> IssuedAccessToken? {
        guard let (type, claims) = try await runtime.keyRing.verified(text), type == "at+jwt",
            claims["iss"]?.stringValue == runtime.issuer,
            claims["aud"]?.stringValue == OpenIDTokenMinter(issuer: runtime.issuer).accessTokenAudience,
            let expiresAt = claims["exp"]?.integerValue, expiresAt > services.clock.now,
            let grantID = claims[OpenIDTokenMinter.grantClaim]?.stringValue, let subject = claims["sub"]?.stringValue,
            let family = try await services.storage.refreshTokens.family(id: grantID),
            family.appID == runtime.settings.id, family.revokedAt == nil, family.expiresAt > services.clock.now,
            let grant = family.grant, claims["client_id"]?.stringValue == grant.clientID.rawValue,
            runtime.client(grant.clientID.rawValue) != nil,
            family.userID.rawValue == subject,
            let user = try await services.storage.users.user(id: family.userID),
            user.mayRefresh(familyCreatedAt: family.createdAt)
        else { return nil }
        let scopes = (claims["scope"]?.stringValue ?? "").split(separator: " ").map(String.init)
        return IssuedAccessToken(claims: claims, grant: grant, user: user, scopes: scopes)
    }
}
