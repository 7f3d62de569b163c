import Hummingbird
import TelegateCore
import TelegateRuntime

/// `GET|POST /apps/{app}/userinfo` (OpenID Connect Core §5.3): the claims of the user a bearer access token was
/// granted for, sent in the `Authorization` header (RFC 6750 §2.1) or, on POST, as the `access_token` form
/// parameter (§2.2), never both.
struct UserInfoRoutes {
    let granted: GrantedTokenService

    func register(on router: Router<TelegateRequestContext>) {
        router.get("/apps/:app/userinfo") { request, context in
            try await answer(appID: try OAuthForm.appID(context), token: try Self.bearer(request, form: nil))
        }
        router.post("/apps/:app/userinfo") { request, context in
            let appID = try OAuthForm.appID(context)
            let form: [String: String]? =
                if request.headers[.contentType] == nil { nil } else { try await OAuthForm.parameters(request, context) }
            return try await answer(appID: appID, token: try Self.bearer(request, form: form))
        }
    }

    private func answer(appID: AppID, token: String?) async throws -> Response {
        JSONResponse.make(try await granted.userInfo(appID: appID, accessToken: token), headers: OAuthForm.noStore)
    }

    /// The bearer token of the `Authorization` header or the form's `access_token`; both at once is refused.
    static func bearer(_ request: Request, form: [String: String]?) throws -> String? {
        var header: String?
        if let authorization = request.headers[.authorization] {
            guard authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else {
                throw OAuthError(.invalidRequest, "use the Bearer scheme", challenge: "Bearer error=\"invalid_request\"")
            }
            header = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        let field = form?["access_token"]
        guard header == nil || field == nil else {
            throw OAuthError(
                .invalidRequest, "send the access token once", challenge: "Bearer error=\"invalid_request\"")
        }
        return header ?? field
    }
}
