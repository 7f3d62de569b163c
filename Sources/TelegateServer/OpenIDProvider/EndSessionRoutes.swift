import Hummingbird
import TelegateCore
import TelegateRuntime

/// `GET|POST /apps/{app}/logout`: the end-session endpoint (OpenID Connect RP-Initiated Logout 1.0). The browser's
/// session cookie is cleared whatever the outcome of the session lookup; the browser goes back to a registered
/// `post_logout_redirect_uri` (`303`, with `state`) or sees a short signed-out page.
struct EndSessionRoutes {
    let endSession: EndSessionService
    let publicURL: String

    func register(on router: Router<TelegateRequestContext>) {
        router.get("/apps/:app/logout") { request, context in
            let parameters = Dictionary(
                request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
            return try await answer(request, context, parameters: parameters.filter { !$0.value.isEmpty })
        }
        router.post("/apps/:app/logout") { request, context in
            try await answer(request, context, parameters: try await OAuthForm.parameters(request, context))
        }
    }

    private func answer(_ request: Request, _ context: TelegateRequestContext, parameters: [String: String]) async throws
        -> Response
    {
        let appID = try OAuthForm.appID(context)
        let outcome = try await endSession.endSession(
            appID: appID, parameters: parameters, sessionCookie: request.cookies["telegate_session"]?.value,
            requestID: context.requestID)
        var response: Response
        switch outcome {
        case .redirect(let location):
            response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        case .signedOut:
            response = Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: Self.signedOutPage)))
        }
        response.setCookie(
            Cookie(
                name: "telegate_session", value: "", maxAge: 0, path: "/apps/\(appID)", secure: publicURL.hasPrefix("https://"),
                httpOnly: true, sameSite: .lax))
        return response
    }

    /// The page shown when no client asked to be returned to: static, nothing from the request.
    static let signedOutPage = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">\
        <title>Signed out</title></head><body><p>You are signed out.</p></body></html>
        """
}
