import StrictJSON
import TelegateCore
import TelegateIssuer

/// What a relying party does with the tokens it was granted: read userinfo (OpenID Connect Core §5.3), introspect
/// (RFC 7662) and revoke (RFC 7009).
public struct GrantedTokenService: Sendable {
    private let served: ServedApps

    /// Creates the service.
    public init(_ served: ServedApps) {
        self.served = served
    }

    /// The userinfo claims for the bearer `accessToken`: exactly the ID token's scope claims for the token's
    /// scopes. A missing, bad, expired or revoked token is `401 invalid_token` with its RFC 6750 challenge.
    public func userInfo(appID: AppID, accessToken: String?) async throws -> JSONValue {
        let runtime = try served.app(appID)
        let realm = "Bearer realm=\"\(runtime.issuer)\""
        guard let accessToken else {
            throw OAuthError(.invalidToken, "a bearer access token is required", challenge: realm)
        }
        guard let token = try await IssuedAccessToken.check(accessToken, runtime: runtime, services: served.services)
        else {
            throw OAuthError(
                .invalidToken, "the access token is invalid, expired or revoked",
                challenge: realm + ", error=\"invalid_token\", error_description=\"the access token is invalid, expired or revoked\"")
        }
        guard token.scopes.contains("openid") else {
            throw OAuthError(
                .invalidToken, "the access token was not granted the openid scope",
                challenge: realm + ", error=\"insufficient_scope\", scope=\"openid\"")
        }
        return .object(ScopeClaims.claims(of: token.user, scopes: token.scopes))
    }

    /// RFC 7662: whether `token` is active, for the client `credentials` authenticate. Tokens of other apps or
    /// clients, expired, revoked or unknown ones are all just `{"active": false}`.
    public func introspect(appID: AppID, credentials: ClientCredentials, token: String?) async throws -> JSONValue {
        let runtime = try served.app(appID)
        let client = try credentials.authenticate(at: runtime)
        guard let token, !token.isEmpty else { throw OAuthError(.invalidRequest, "token is required") }
        let inactive = JSONValue.object([("active", .bool(false))])
        let now = served.services.clock.now
        if token.hasPrefix("rt_") {
            guard let (record, family) = try await served.services.refreshTokens.stored(token, appID: appID),
                record.state == .active, record.expiresAt > now, family.revokedAt == nil, family.expiresAt > now,
                let grant = family.grant, grant.clientID == client.id,
                let user = try await served.services.storage.users.user(id: family.userID),
                user.mayRefresh(familyCreatedAt: family.createdAt)
            else { return inactive }
            return .object([
                ("active", .bool(true)), ("token_type", .string("refresh_token")),
                ("scope", .string(grant.scopes.joined(separator: " "))), ("client_id", .string(grant.clientID.rawValue)),
                ("sub", .string(user.id.rawValue)), ("iss", .string(runtime.issuer)), ("iat", .integer(record.createdAt)),
                ("exp", .integer(record.expiresAt)),
            ])
        }
        guard let access = try await IssuedAccessToken.check(token, runtime: runtime, services: served.services),
            access.grant.clientID == client.id
        else { return inactive }
        var members: [(key: String, value: JSONValue)] = [
            ("active", .bool(true)), ("token_type", .string("Bearer")),
            ("scope", .string(access.scopes.joined(separator: " "))), ("client_id", .string(access.grant.clientID.rawValue)),
            ("sub", .string(access.user.id.rawValue)),
        ]
        for name in ["iss", "aud", "iat", "exp", "jti"] {
            if let value = access.claims[name] { members.append((name, value)) }
        }
        return .object(members)
    }

    /// RFC 7009: revokes `token` for the client `credentials` authenticate. A refresh token revokes its whole
    /// grant, and so does an access token: every token of the grant stops working. Unknown tokens, and tokens of
    /// other clients, are answered the same way and change nothing.
    public func revoke(appID: AppID, credentials: ClientCredentials, token: String?, requestID: String?) async throws {
        let runtime = try served.app(appID)
        let client = try credentials.authenticate(at: runtime)
        guard let token, !token.isEmpty else { throw OAuthError(.invalidRequest, "token is required") }
        let family: RefreshFamily?
        if token.hasPrefix("rt_") {
            family = try await served.services.refreshTokens.stored(token, appID: appID)?.family
        } else if let access = try await IssuedAccessToken.check(token, runtime: runtime, services: served.services),
            let grantID = access.claims[OpenIDTokenMinter.grantClaim]?.stringValue
        {
            family = try await served.services.storage.refreshTokens.family(id: grantID)
        } else {
            family = nil
        }
        guard let family, family.grant?.clientID == client.id else { return }
        if try await served.services.storage.refreshTokens.revokeFamily(
            id: family.id, reason: "revoked_by_client", at: served.services.clock.now)
        {
            await served.services.audit.record(
                "oidc.grant_revoked", appID: appID, target: "user:\(family.userID)", outcome: .success,
                details: [("client", .string(client.id.rawValue))], requestID: requestID)
        }
    }
}
