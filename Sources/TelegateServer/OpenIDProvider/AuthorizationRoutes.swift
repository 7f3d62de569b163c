import Foundation
import HTTPTypes
import Hummingbird
import TelegateCore
import TelegateIssuer
import TelegateRuntime
import TelegramAuth

/// `GET|POST /apps/{app}/authorize`: the authorization endpoint (OpenID Connect Core §3.1.2) and its hosted pages.
///
/// A GET, or a POST without a proof or a consent answer, is the authorization request itself; a POST with a proof
/// (`initData`, `tgAuthResult` or the Login Widget's fields) is the login form, and one with `consent` the consent
/// form. Both forms carry the whole request back, and a `csrf` field that must equal the `telegate_csrf` cookie
/// set with the page (double submit, compared in constant time). Every answer is `Cache-Control: no-store`.
struct AuthorizationRoutes {
    let authorization: AuthorizationService
    let runtimes: RuntimeRegistry
    let telegramLogin: TelegramOIDCUpstream
    let publicURL: String

    static let sessionCookie = "telegate_session"
    static let csrfCookie = "telegate_csrf"
    static let csrfField = "csrf"

    func register(on router: Router<TelegateRequestContext>) {
        router.get("/apps/:app/authorize") { request, context in
            try await handle(request, context, parameters: AuthorizationForm.parse(request.uri.query ?? ""), isForm: false)
        }
        router.post("/apps/:app/authorize") { request, context in
            let contentType = request.headers[.contentType]?.split(separator: ";").first?
                .trimmingCharacters(in: .whitespaces).lowercased()
            guard contentType == "application/x-www-form-urlencoded" else {
                throw TelegateError(.unsupportedMediaType, "use application/x-www-form-urlencoded")
            }
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let text = String(validating: body.readableBytesView, as: UTF8.self)
            return try await handle(request, context, parameters: text.flatMap(AuthorizationForm.parse), isForm: true)
        }
        registerTelegramLogin(on: router)
    }

    private func handle(
        _ request: Request, _ context: TelegateRequestContext, parameters: [String: String]?, isForm: Bool
    ) async throws -> Response {
        guard let appID = context.parameters.get("app").flatMap(AppID.init(rawValue:)) else {
            throw TelegateError(.appNotFound, "there is no such app")
        }
        let page = Page(
            appID: appID, publicURL: publicURL,
            locale: PageLocale(uiLocales: parameters?["ui_locales"], acceptLanguage: request.headers[.acceptLanguage]),
            csrf: request.cookies[Self.csrfCookie]?.value)
        guard let parameters else {
            return page.error(.invalidRequest, "The request is malformed or repeats a parameter.")
        }
        let submission: AuthorizationService.Submission
        do {
            submission = try Self.submission(parameters, isForm: isForm)
        } catch {
            return page.error(error.code, error.message)
        }
        if case .request = submission {} else {
            guard DoubleSubmitToken.matches(cookie: page.csrf, field: parameters[Self.csrfField]) else {
                return page.error(
                    .csrfMismatch, "This form has expired or was not sent from this page. Start the login again.")
            }
        }
        let outcome = try await authorization.authorize(
            appID: appID, parameters: parameters, submission: submission,
            sessionCookie: request.cookies[Self.sessionCookie]?.value, requestID: context.requestID)
        return respond(outcome, page: page, parameters: parameters)
    }

    /// The response to an outcome of the authorization endpoint, with the cookies it sets.
    func respond(_ outcome: AuthorizationOutcome, page: Page, parameters: [String: String]) -> Response {
        var response: Response
        switch outcome.action {
        case .redirect(let location):
            response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        case .login(let prompt):
            response = page.login(prompt, parameters: parameters)
        case .consent(let request, let userName):
            response = page.consent(request, userName: userName, parameters: parameters)
        case .errorPage(let status, let code, let message):
            response = page.error(status: status, code: code, message: message)
        }
        if let started = outcome.startedSession {
            response.setCookie(page.cookie(Self.sessionCookie, started.cookie, maxAge: Int(started.lifetime)))
        }
        return response
    }

    /// What a submission is, from the fields besides the request's own.
    private static func submission(_ parameters: [String: String], isForm: Bool) throws(TelegateError)
        -> AuthorizationService.Submission
    {
        guard isForm else { return .request }
        if let proof = try LoginProof(parameters) { return .login(proof) }
        switch parameters[ConsentPage.decisionField] {
        case nil: return .request
        case ConsentPage.allowValue: return .consent(allow: true)
        case ConsentPage.denyValue: return .consent(allow: false)
        default: throw TelegateError.invalidRequest("consent must be allow or deny")
        }
    }

    /// The pages of one response, and the cookies they set.
    struct Page {
        let appID: AppID
        let publicURL: String
        let locale: PageLocale
        /// The browser's CSRF cookie, if it sent one.
        let csrf: String?
        let scriptNonce = PageContext.freshScriptNonce()

        var context: PageContext { PageContext(appID: appID.rawValue, locale: locale, scriptNonce: scriptNonce) }
        var endpoint: String { "\(publicURL)/apps/\(appID)/authorize" }
        var cookiePath: String { "/apps/\(appID)" }

        func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
            Cookie(
                name: name, value: value, maxAge: maxAge, path: cookiePath, secure: publicURL.hasPrefix("https://"),
                httpOnly: true, sameSite: .lax)
        }

        func error(_ code: TelegateError.Code, _ message: String) -> Response {
            error(status: code.status, code: code.rawValue, message: message)
        }

        func error(status: Int, code: String, message: String) -> Response {
            html(ErrorPage(context: context, status: status, code: code, message: message).render(), status: status)
        }

        func login(_ prompt: LoginPrompt, parameters: [String: String]) -> Response {
            let (fields, token) = formFields(parameters)
            let query = AuthorizationRequest.formParameters.compactMap { name in parameters[name].map { (key: name, value: $0) } }
            let returnTo = endpoint + "?" + TelegramEncoding.queryString(query)
            let methods = LoginMethods(
                miniApp: true,
                telegramRedirect: prompt.botID.map { (botID: $0, origin: Self.origin(of: publicURL), returnTo: returnTo) },
                widget: prompt.widgetBotUsername.map { (botUsername: $0, authURL: nil) },
                telegramOIDC: prompt.offersTelegramOIDC ? endpoint + "/telegram?" + TelegramEncoding.queryString(query) : nil)
            var response = html(
                LoginPage(context: context, formAction: endpoint, hiddenFields: fields, methods: methods).render(), status: 200)
            response.setCookie(cookie(AuthorizationRoutes.csrfCookie, token))
            return response
        }

        func consent(_ request: AuthorizationRequest, userName: String, parameters: [String: String]) -> Response {
            let (fields, token) = formFields(parameters)
            var response = html(
                ConsentPage(
                    context: context, userName: userName, clientID: request.clientID, scopes: request.scopes, formAction: endpoint,
                    hiddenFields: fields
                ).render(),
                status: 200)
            response.setCookie(cookie(AuthorizationRoutes.csrfCookie, token))
            return response
        }

        /// The request's parameters and the CSRF token (the browser's, or a new one) as hidden fields.
        private func formFields(_ parameters: [String: String]) -> ([(name: String, value: String)], String) {
            let token = DoubleSubmitToken.token(reusing: csrf)
            let fields = AuthorizationRequest.formParameters.compactMap { name in parameters[name].map { (name: name, value: $0) } }
            return (fields + [(name: AuthorizationRoutes.csrfField, value: token)], token)
        }

        private func html(_ document: String, status: Int) -> Response {
            Response(
                status: HTTPResponse.Status(code: status), headers: PageHeaders.fields(scriptNonce: scriptNonce),
                body: .init(byteBuffer: ByteBuffer(string: document)))
        }

        /// The origin (scheme, host and port) of `url`.
        static func origin(of url: String) -> String {
            guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host
            else { return url }
            return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
        }
    }
}
