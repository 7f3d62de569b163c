import Hummingbird
import TelegateCore
import TelegateRuntime

/// `GET|POST /apps/{app}/logout`: the end-session endpoint (OpenID Connect RP-Initiated Logout 1.0). The browser's
/// session cookie is cleared whatever the outcome of the session lookup; the browser goes back to a registered
/// `post_logout_redirect_uri` (`303`, with `state`) or sees the signed-out page. The browser is the caller, so a
/// refused request is the hosted error page with its stable code (`400 invalid_request`), in the language of
/// `ui_locales` or `Accept-Language`; nothing ends and no cookie changes then.
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
        let page = PageContext(
            appID: appID.rawValue,
            locale: PageLocale(uiLocales: parameters["ui_locales"], acceptLanguage: request.headers[.acceptLanguage]),
            scriptNonce: PageContext.freshScriptNonce())
        let outcome: EndSessionService.Outcome
        do {
            outcome = try await endSession.endSession(
                appID: appID, parameters: parameters, sessionCookie: request.cookies["telegate_session"]?.value,
                requestID: context.requestID)
        } catch let error as TelegateError where error.code == .invalidRequest {
            return Self.html(
                ErrorPage(context: page, status: error.status, code: error.code.rawValue, message: error.message).render(),
                status: error.status, page: page)
        }
        var response: Response
        switch outcome {
        case .redirect(let location):
            response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        case .signedOut:
            response = Self.html(SignedOutPage(context: page).render(), status: 200, page: page)
        }
        response.setCookie(
            Cookie(
                name: "telegate_session", value: "", maxAge: 0, path: "/apps/\(appID)", secure: publicURL.hasPrefix("https://"),
                httpOnly: true, sameSite: .lax))
        return response
    }

    private static func html(_ document: String, status: Int, page: PageContext) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: PageHeaders.fields(scriptNonce: page.scriptNonce),
            body: .init(byteBuffer: ByteBuffer(string: document)))
    }
}
