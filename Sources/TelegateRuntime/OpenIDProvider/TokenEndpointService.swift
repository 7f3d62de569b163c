import Logging
import ProviderKit
import TelegateCore
import TelegateIssuer
import TelegramAuth

/// The OpenID Provider's token endpoint (RFC 6749 §3.2): the authorization-code grant with PKCE, and the
/// refresh-token grant of OpenID Provider clients. Every grant is stored as a refresh-token family; access tokens
/// name it, so revoking it (a replayed code, a reused refresh token, RFC 7009) ends them all.
public struct TokenEndpointService: Sendable {
    private let served: ServedApps
    private let codes: any AuthorizationCodeStore
    private let lifetimes: OpenIDTokenMinter.Lifetimes

    /// Creates the service over the code store `codes`.
    public init(
        _ served: ServedApps, codes: any AuthorizationCodeStore,
        lifetimes: OpenIDTokenMinter.Lifetimes = OpenIDTokenMinter.Lifetimes()
    ) {
        self.served = served
        self.codes = codes
        self.lifetimes = lifetimes
    }

    /// Answers a token request of `appID` with `parameters`, from the client `credentials` authenticate.
    public func token(appID: AppID, credentials: ClientCredentials, parameters: [String: String], requestID: String?)
        async throws -> TokenResponse
    {
        let runtime = try served.app(appID)
        let client = try credentials.authenticate(at: runtime)
        switch parameters["grant_type"] {
        case nil:
            throw OAuthError(.invalidRequest, "grant_type is required")
        case "authorization_code":
            return try await redeemCode(parameters, client: client, runtime: runtime, requestID: requestID)
        case "refresh_token":
            return try await refresh(parameters, client: client, runtime: runtime, requestID: requestID)
        default:
            throw OAuthError(.unsupportedGrantType, "grant_type must be authorization_code or refresh_token")
        }
    }

    private func redeemCode(
        _ parameters: [String: String], client: RegisteredClient, runtime: AppRuntime, requestID: String?
    ) async throws -> TokenResponse {
        guard let code = parameters["code"], !code.isEmpty, code.utf8.count <= 512 else {
            throw OAuthError(.invalidRequest, "code is required")
        }
        guard let redirectURI = parameters["redirect_uri"] else {
            throw OAuthError(.invalidRequest, "redirect_uri is required")
        }
        let appID = runtime.settings.id
        let hash = RandomSecret.hash(code)
        let redeemed: AuthorizationCode
        switch try await codes.redeem(appID: appID, hash: hash, at: served.services.clock.now) {
        case .unknown:
            throw Self.invalidCode
        case .replayed(let replayed, let grantID):
            if let grantID {
                try await served.services.storage.refreshTokens.revokeFamily(
                    id: grantID, reason: "code_replayed", at: served.services.clock.now)
            }
            await served.services.audit.record(
                "oidc.code_replayed", appID: appID, target: "user:\(replayed.userID)", outcome: .failure,
                details: [("client", .string(replayed.clientID.rawValue))], requestID: requestID)
            throw Self.invalidCode
        case .redeemed(let found):
            redeemed = found
        }
        guard redeemed.clientID == client.id, Array(redeemed.request.redirectURI.utf8) == Array(redirectURI.utf8) else {
            throw Self.invalidCode
        }
        let verifier = parameters["code_verifier"]
        switch (redeemed.request.codeChallenge, verifier) {
        case (nil, nil):
            guard !client.isPublic else { throw Self.invalidCode }
        case (let challenge?, let verifier?):
            guard ProofKeyChallenge.verify(verifier, against: challenge) else { throw Self.invalidCode }
        default:
            throw Self.invalidCode
        }
        guard let user = try await served.services.storage.users.user(id: redeemed.userID), user.status == .active,
            user.appID == appID
        else { throw Self.invalidCode }
        let scopes = redeemed.request.scopes
        let grant = ClientGrant(clientID: client.id, scopes: scopes, authTime: redeemed.login.at)
        let offline = scopes.contains("offline_access")
        guard
            let issued = try await served.services.refreshTokens.issueGrant(
                appID: appID, userID: user.id, grant: grant,
                lifetime: offline ? lifetimes.grant : lifetimes.accessToken,
                refreshTTL: offline ? lifetimes.refreshToken : nil)
        else { throw Self.invalidCode }
        try await codes.recordGrant(appID: appID, hash: hash, grantID: issued.family.id)
        let subject = OpenIDTokenMinter.Subject(
            user: user, clientID: client.id, grantID: issued.family.id, scopes: scopes, authTime: redeemed.login.at,
            proof: redeemed.login.proof, nonce: redeemed.request.nonce, sessionID: redeemed.sessionID)
        let tokens = try await mint(subject, client: client, runtime: runtime, notAfter: issued.family.expiresAt)
        return TokenResponse(
            accessToken: tokens.accessToken, expiresIn: tokens.expiresIn, idToken: tokens.idToken,
            refreshToken: issued.refresh?.token, scope: scopes.joined(separator: " "))
    }

    private func refresh(
        _ parameters: [String: String], client: RegisteredClient, runtime: AppRuntime, requestID: String?
    ) async throws -> TokenResponse {
        guard let presented = parameters["refresh_token"], !presented.isEmpty else {
            throw OAuthError(.invalidRequest, "refresh_token is required")
        }
        let requested = parameters["scope"].map { $0.split(separator: " ").map(String.init) }
        let appID = runtime.settings.id
        var narrowed: [String]?
        var scopeRefused = false
        // Checked before the token rotates: a refused request leaves the client its token.
        let outcome = try await served.services.refreshTokens.rotate(presented, appID: appID) { family in
            guard let grant = family.grant, grant.clientID == client.id else { return nil }
            let scopes = requested ?? grant.scopes
            guard Set(scopes).isSubset(of: grant.scopes), scopes.contains("openid") else {
                scopeRefused = true
                return nil
            }
            narrowed = scopes
            return lifetimes.refreshToken
        }
        switch outcome {
        case .failure(.invalid):
            if scopeRefused { throw OAuthError(.invalidScope, "scope may only narrow what was granted, and keeps openid") }
            throw OAuthError.invalidGrant
        case .failure(.reused(let familyID, let userID)):
            await served.services.audit.record(
                "refresh.reuse_detected", appID: appID, target: "user:\(userID)", outcome: .failure,
                details: [("family", .string(familyID))], requestID: requestID)
            throw OAuthError.invalidGrant
        case .success(let rotation):
            guard let grant = rotation.family.grant, let scopes = narrowed else { throw OAuthError.invalidGrant }
            guard let user = try await served.services.storage.users.user(id: rotation.family.userID),
                user.mayRefresh(familyCreatedAt: rotation.family.createdAt)
            else {
                try await served.services.storage.refreshTokens.revokeFamily(
                    id: rotation.family.id, reason: "user_unavailable", at: served.services.clock.now)
                throw OAuthError.invalidGrant
            }
            let subject = OpenIDTokenMinter.Subject(
                user: user, clientID: client.id, grantID: rotation.family.id, scopes: scopes, authTime: grant.authTime)
            let tokens = try await mint(subject, client: client, runtime: runtime, notAfter: rotation.family.expiresAt)
            return TokenResponse(
                accessToken: tokens.accessToken, expiresIn: tokens.expiresIn, idToken: tokens.idToken,
                refreshToken: rotation.token, scope: scopes.joined(separator: " "))
        }
    }

    private func mint(_ subject: OpenIDTokenMinter.Subject, client: RegisteredClient, runtime: AppRuntime, notAfter: Int64)
        async throws -> (accessToken: String, idToken: String, expiresIn: Int64)
    {
        let algorithm = OpenIDProviderApp.algorithm(of: client)
        let signer = try await runtime.keyRing.signer(for: algorithm)
        return try OpenIDTokenMinter(issuer: runtime.issuer, lifetimes: lifetimes).mint(
            subject, now: served.services.clock.now, notAfter: notAfter, signer: signer)
    }

    /// One answer for every refused code, so a client learns nothing about why (RFC 6749 §5.2).
    private static let invalidCode = OAuthError(
        .invalidGrant, "the authorization code is invalid, expired, already used, or was issued to another client or redirect URI")
}
