import Hummingbird
import TelegateCore
import TelegateRuntime

/// `POST /apps/{app}/revoke` (RFC 7009) and `POST /apps/{app}/introspect` (RFC 7662), both client-authenticated
/// like the token endpoint.
struct TokenManagementRoutes {
    let granted: GrantedTokenService

    func register(on router: Router<TelegateRequestContext>) {
        router.post("/apps/:app/revoke") { request, context in
            let (appID, parameters, credentials) = try await OAuthForm.clientRequest(request, context)
            try await granted.revoke(
                appID: appID, credentials: credentials, token: parameters["token"], requestID: context.requestID)
            return Response(status: .ok, headers: OAuthForm.noStore)
        }
        router.post("/apps/:app/introspect") { request, context in
            let (appID, parameters, credentials) = try await OAuthForm.clientRequest(request, context)
            let answer = try await granted.introspect(appID: appID, credentials: credentials, token: parameters["token"])
            return JSONResponse.make(answer, headers: OAuthForm.noStore)
        }
    }
}
