import Logging
import ProviderKit
import StrictJSON
import TelegateCore

/// Logto's user impersonation: a one-time subject token for the linked user (`POST /api/subject-tokens`), then
/// the token-exchange grant at `/oidc/token` by the app that has token exchange enabled.
struct LogtoImpersonation: Sendable {
    /// A subject token: one use, `expiresIn` seconds.
    struct SubjectToken: Sendable {
        let value: String
        let expiresIn: Int64
    }

    /// The grant failed in a way a fresh subject token may fix: the answer was lost (the token may be consumed),
    /// or Logto called the token used or expired. The subject token is never sent again.
    struct FreshSubjectTokenNeeded: Error {
        /// What to answer if the fresh token fails too.
        let error: TelegateError
    }

    static let subjectTokenType = "urn:ietf:params:oauth:token-type:access_token"
    static let tokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange"
    static let organizationAudiencePrefix = "urn:logto:organization:"

    let settings: LogtoSettings
    let api: LogtoManagementAPI
    let upstream: UpstreamClient
    let logger: Logger

    /// A subject token for the linked Logto user; `nil` when Logto no longer knows the user. (Logto's answer
    /// names no user; the access token it is exchanged for does.)
    func subjectToken(for linked: LinkedProviderUser, telegramID: Int64) async throws -> SubjectToken? {
        let body = JSONValue.object([
            ("userId", .string(linked.accountID)),
            ("context", .object([("telegram_id", .integer(telegramID)), ("via", .string("telegate"))])),
        ])
        // A repeated mint only leaves an unused token behind, which expires.
        let response = try await api.send(.POST, "/api/subject-tokens", body: body, idempotent: true, operation: "subject_token")
        switch response.status {
        case 200, 201:
            let json = try response.json(provider: "Logto")
            guard let value = json["subjectToken"]?.stringValue, !value.isEmpty, let expiresIn = json["expiresIn"]?.integerValue
            else { throw TelegateError.upstreamInvalidResponse("Logto") }
            return SubjectToken(value: value, expiresIn: expiresIn)
        case 404:
            return nil
        default:
            logger.warning(
                "Logto refused a subject token",
                metadata: ["status": "\(response.status)", "code": "\(LogtoManagementAPI.errorCode(response)?.prefix(64) ?? "none")"])
            throw TelegateError.upstreamInvalidResponse("Logto")
        }
    }

    /// Exchanges `subjectToken` for an access token, for the configured resource or, when given, for
    /// `organization`; sealed with the user Logto issued it for (`sub`).
    func exchange(_ subjectToken: SubjectToken, organization: String?) async throws -> ProviderAnswer<LogtoAccessToken> {
        var fields: [(name: String, value: String)] = [
            ("grant_type", Self.tokenExchangeGrant), ("subject_token", subjectToken.value),
            ("subject_token_type", Self.subjectTokenType),
        ]
        let audience: String
        if let organization {
            fields.append(("organization_id", organization))
            audience = Self.organizationAudiencePrefix + organization
        } else {
            guard let resource = settings.resource else { throw TelegateError.internalError() }
            fields.append(("resource", resource))
            audience = resource
        }
        if !settings.scopes.isEmpty { fields.append(("scope", settings.scopes.joined(separator: " "))) }
        var headers: [(name: String, value: String)] = []
        if let secret = settings.exchangeClientSecret {
            headers.append(("Authorization", LogtoM2MToken.basic(settings.exchangeClientID, secret)))
        } else {
            fields.append(("client_id", settings.exchangeClientID))
        }
        let response: UpstreamResponse
        do {
            // Never repeated with the same subject token: it is single use.
            response = try await upstream.send(
                .form(.POST, settings.tokenEndpoint, fields, headers: headers, idempotent: false, operation: "token_exchange"))
        } catch let error as TelegateError where error.code == .upstreamUnavailable {
            throw FreshSubjectTokenNeeded(error: error)
        }
        guard response.status == 200 else { throw refusal(response, organization: organization) }
        let token = try LogtoAccessToken(response: response.json(provider: "Logto"), audience: audience)
        return ProviderAnswer(token, about: token.subject)
    }

    /// What a refused grant means, from the OAuth `error`.
    private func refusal(_ response: UpstreamResponse, organization: String?) -> any Error {
        let error = (try? response.json(provider: "Logto"))?["error"]?.stringValue
        logger.warning("Logto refused the token exchange", metadata: ["status": "\(response.status)", "error": "\(error?.prefix(64) ?? "none")"])
        switch error {
        case "invalid_grant":
            return FreshSubjectTokenNeeded(error: TelegateError.upstreamInvalidResponse("Logto"))
        case "invalid_client":
            return TelegateError.adapterMisconfigured("Logto", "the token-exchange app's credentials were refused (exchangeClientId, exchangeClientSecret)")
        case "unauthorized_client", "unsupported_grant_type":
            return TelegateError.adapterMisconfigured("Logto", "token exchange is not enabled for the app exchangeClientId")
        case "invalid_target":
            return TelegateError.adapterMisconfigured("Logto", "the resource is not an API resource of this Logto tenant")
        case "invalid_scope":
            return TelegateError.adapterMisconfigured("Logto", "the configured scopes were refused")
        case "access_denied" where organization != nil:
            return TelegateError(
                .organizationMembershipRequired, "the user is not a member of that organization in Logto")
        case "access_denied":
            return TelegateError.adapterMisconfigured("Logto", "the user may not use the token-exchange app")
        default:
            return TelegateError.upstreamInvalidResponse("Logto")
        }
    }
}
