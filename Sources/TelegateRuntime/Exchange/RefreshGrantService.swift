import Logging
import ProviderKit
import TelegateCore
import TelegramAuth

/// The refresh-token grant: rotate the presented token, check the user may still sign in, and let the adapter
/// that started the family issue fresh tokens.
public struct RefreshGrantService: Sendable {
    private let served: ServedApps

    /// Creates the service.
    public init(_ served: ServedApps) {
        self.served = served
    }

    /// Answers `grant_type=refresh_token` for `appID`.
    public func refresh(appID: AppID, refreshToken: String, requestID: String?) async throws -> TokenResponse {
        let runtime = try served.app(appID)
        var adapter: (any RefreshGrantAdapter)?
        let outcome = try await served.services.refreshTokens.rotate(refreshToken, appID: appID) { family in
            // An OpenID Provider grant refreshes only at the OpenID Provider's token endpoint.
            guard family.grant == nil,
                let found = try? runtime.adapter(family.adapter.rawValue).1 as? any RefreshGrantAdapter,
                found.refreshTokenTTL > 0
            else { return nil }
            adapter = found
            return found.refreshTokenTTL
        }
        switch outcome {
        case .failure(.invalid):
            served.services.metrics.recordRefresh(app: appID.rawValue, outcome: "invalid_grant")
            throw OAuthError.invalidGrant
        case .failure(.reused(let familyID, let userID)):
            served.services.metrics.recordRefresh(app: appID.rawValue, outcome: "reuse_detected")
            await served.services.audit.record(
                "refresh.reuse_detected", appID: appID, target: "user:\(userID)", outcome: .failure,
                details: [("family", .string(familyID))], requestID: requestID)
            served.services.logger.warning(
                "refresh token reuse detected; family revoked",
                metadata: ["app": "\(appID)", "user": "\(userID)", "request_id": "\(requestID ?? "-")"])
            throw OAuthError.invalidGrant
        case .success(let rotation):
            guard let adapter, let user = try await served.services.storage.users.user(id: rotation.family.userID),
                user.mayRefresh(familyCreatedAt: rotation.family.createdAt)
            else {
                try await served.services.storage.refreshTokens.revokeFamily(
                    id: rotation.family.id, reason: "user_unavailable", at: served.services.clock.now)
                served.services.metrics.recordRefresh(app: appID.rawValue, outcome: "invalid_grant")
                throw OAuthError.invalidGrant
            }
            let response = try await adapter.refreshed(
                user: user, family: rotation.family, refreshToken: rotation.token, refreshExpiresAt: rotation.expiresAt)
            served.services.metrics.recordRefresh(app: appID.rawValue, outcome: "success")
            return response
        }
    }

    /// Answers the public revocation of an exchange session (`POST /v1/apps/{app}/revoke`): the refresh token
    /// presented ends its whole family. Unknown tokens, tokens of other apps and of OpenID Provider grants change
    /// nothing and are answered the same way (RFC 7009 §2.2).
    public func revoke(appID: AppID, refreshToken: String, requestID: String?) async throws {
        _ = try served.app(appID)
        guard let family = try await served.services.refreshTokens.revoke(refreshToken, appID: appID, reason: "signed_out")
        else { return }
        await served.services.audit.record(
            "refresh.family_revoked", appID: appID, target: "user:\(family.userID)", outcome: .success,
            details: [("family", .string(family.id))], requestID: requestID)
    }
}
