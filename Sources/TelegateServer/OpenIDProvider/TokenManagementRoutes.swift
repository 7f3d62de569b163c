import Hummingbird
import TelegateCore
import TelegateRuntime

/// `POST /apps/{app}/revoke` (RFC 7009) and `POST /apps/{app}/introspect` (RFC 7662), both client-authenticated
/// like the token endpoint.
struct TokenManagementRoutes {
    let granted: GrantedTokenService

    func register(on router: Router<TelegateRequestContext>) {
        router.post("/apps/:app/revoke") { request, context in
            let appID = try OAuthForm.appID(context)
            let parameters = try await OAuthForm.parameters(request, context)
            try await granted.revoke(
                appID: appID,
                credentials: ClientCredentials(authorization: request.headers[.authorization], parameters: parameters),
                token: parameters["token"], requestID: context.requestID)
            return Response(status: .ok, headers: OAuthForm.noStore)
        }
        router.post("/apps/:app/introspect") { request, context in
            let appID = try OAuthForm.appID(context)
            let parameters = try await OAuthForm.parameters(request, context)
            let answer = try await granted.introspect(
                appID: appID,
                credentials: ClientCredentials(authorization: request.headers[.authorization], parameters: parameters),
                token: parameters["token"])
            return JSONResponse.make(answer, headers: OAuthForm.noStore)
        }
    }
}
