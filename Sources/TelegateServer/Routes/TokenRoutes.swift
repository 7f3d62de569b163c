import ExchangeSubmission
import Hummingbird
import StrictJSON
import TelegateCore
import TelegateRuntime
import TelegramAuth

/// `POST /v1/apps/{app}/token`: the OAuth 2.0 refresh-token grant, form-encoded or JSON, answered with a
/// standard token response or an OAuth error (`invalid_grant`, …). `POST /v1/apps/{app}/revoke`: the public
/// revocation of an exchange session (RFC 7009, the refresh token being the proof), answered `200` with no body.
struct TokenRoutes {
    let refreshGrant: RefreshGrantService

    func register(on router: Router<TelegateRequestContext>) {
        router.post("/v1/apps/:app/token") { request, context in try await handle(request, context) }
        router.on("/v1/apps/:app/token", method: .options) { _, _ in Response(status: .noContent) }
        router.post("/v1/apps/:app/revoke") { request, context in try await revoke(request, context) }
        router.on("/v1/apps/:app/revoke", method: .options) { _, _ in Response(status: .noContent) }
    }

    private func revoke(_ request: Request, _ context: TelegateRequestContext) async throws -> Response {
        guard let appID = context.parameters.get("app").flatMap(AppID.init(rawValue:)) else {
            throw TelegateError(.appNotFound, "there is no such app")
        }
        let parameters = try await Self.parameters(request, context)
        guard let token = parameters["token"], !token.isEmpty else {
            throw OAuthError(.invalidRequest, "token is required")
        }
        do {
            try await refreshGrant.revoke(appID: appID, refreshToken: token, requestID: context.requestID)
        } catch let error as TelegateError where error.status == 503 {
            throw OAuthError.temporarilyUnavailable
        }
        return Response(status: .ok, headers: [.cacheControl: "no-store"])
    }

    private func handle(_ request: Request, _ context: TelegateRequestContext) async throws -> Response {
        guard let appID = context.parameters.get("app").flatMap(AppID.init(rawValue:)) else {
            throw TelegateError(.appNotFound, "there is no such app")
        }
        let parameters = try await Self.parameters(request, context)
        guard let grantType = parameters["grant_type"] else {
            throw OAuthError(.invalidRequest, "grant_type is required")
        }
        guard grantType == "refresh_token" else {
            throw OAuthError(.unsupportedGrantType, "only grant_type=refresh_token is supported")
        }
        guard let refreshToken = parameters["refresh_token"], !refreshToken.isEmpty else {
            throw OAuthError(.invalidRequest, "refresh_token is required")
        }
        do {
            let response = try await refreshGrant.refresh(appID: appID, refreshToken: refreshToken, requestID: context.requestID)
            return JSONResponse.make(response.json, headers: [.cacheControl: "no-store"])
        } catch let error as TelegateError where error.status == 503 {
            throw OAuthError.temporarilyUnavailable
        }
    }

    /// The request parameters, from a form or a JSON object; repeated parameters are refused (RFC 6749 §3.2).
    private static func parameters(_ request: Request, _ context: TelegateRequestContext) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = Array(buffer.readableBytesView)
        let contentType = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        switch contentType {
        case "application/x-www-form-urlencoded":
            do {
                let fields = try ProofFields.parseForm(bytes: bytes)
                return Dictionary(fields.pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            } catch {
                throw OAuthError(.invalidRequest, "the form body is malformed or repeats a parameter")
            }
        case "application/json":
            let members: [(key: String, value: JSONValue)]
            do {
                members = try ExchangeBody.parseObject(bytes)
            } catch {
                throw OAuthError(.invalidRequest, "the JSON body is malformed or repeats a parameter")
            }
            var parameters: [String: String] = [:]
            for member in members {
                guard let text = member.value.stringValue else {
                    throw OAuthError(.invalidRequest, "\(member.key.prefix(40)) must be a string")
                }
                parameters[member.key] = text
            }
            return parameters
        default:
            throw TelegateError(
                .unsupportedMediaType, "use application/x-www-form-urlencoded or application/json")
        }
    }
}
