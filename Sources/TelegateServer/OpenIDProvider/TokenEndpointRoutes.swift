import Hummingbird
import TelegateCore
import TelegateRuntime

/// `POST /apps/{app}/token`: the OpenID Provider's token endpoint (RFC 6749 §3.2), form-encoded only, answered
/// with `Cache-Control: no-store` and `Pragma: no-cache`. The exchange's refresh route `/v1/apps/{app}/token` is
/// separate and unchanged.
struct TokenEndpointRoutes {
    let tokens: TokenEndpointService

    func register(on router: Router<TelegateRequestContext>) {
        router.post("/apps/:app/token") { request, context in
            let appID = try OAuthForm.appID(context)
            let parameters = try await OAuthForm.parameters(request, context)
            let credentials = ClientCredentials(authorization: request.headers[.authorization], parameters: parameters)
            do {
                let response = try await tokens.token(
                    appID: appID, credentials: credentials, parameters: parameters, requestID: context.requestID)
                return JSONResponse.make(response.json, headers: OAuthForm.noStore)
            } catch let error as TelegateError where error.status == 503 {
                throw OAuthError.temporarilyUnavailable
            }
        }
    }
}
