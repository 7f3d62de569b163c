import HTTPTypes
import Hummingbird
import TelegateCore
import TelegateRuntime

/// `GET /apps/{app}/authorize/telegram` and `…/telegram/callback`: the login page's "Log in with Telegram" through
/// Telegram's OpenID Provider. The first sends the browser to Telegram with the pending login in a sealed cookie;
/// the second checks Telegram's answer against it and hands the verified identity to the authorization endpoint
/// like a submitted proof, which checks the original request again from the start. A refusal is an error page, and
/// nothing is stored for it.
extension AuthorizationRoutes {
    func registerTelegramLogin(on router: Router<TelegateRequestContext>) {
        router.get("/apps/:app/authorize/telegram") { request, context in
            try await startTelegramLogin(request, context)
        }
        router.get("/apps/:app/authorize/telegram/callback") { request, context in
            try await finishTelegramLogin(request, context)
        }
    }

    private func startTelegramLogin(_ request: Request, _ context: TelegateRequestContext) async throws -> Response {
        let parameters = AuthorizationForm.parse(request.uri.query ?? "")
        guard let found = target(request, context, parameters: parameters) else {
            throw TelegateError(.appNotFound, "there is no such app")
        }
        let (runtime, page) = (found.runtime, found.page)
        guard var parameters else { return page.error(.invalidRequest, "The request is malformed or repeats a parameter.") }
        let botID = parameters.removeValue(forKey: "bot_id").flatMap { Int64($0) }
        let start: TelegramLoginStart
        do {
            start = try telegramLogin.start(
                app: runtime, botID: botID,
                parameters: parameters.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) })
        } catch let error as TelegateError {
            return page.error(error.code, error.message)
        }
        var response = Response(status: .seeOther, headers: [.location: start.location, .cacheControl: "no-store"])
        response.setCookie(page.cookie(TelegramOIDCUpstream.cookieName, start.cookie, maxAge: Int(start.maxAge)))
        return response
    }

    private func finishTelegramLogin(_ request: Request, _ context: TelegateRequestContext) async throws -> Response {
        let query = AuthorizationForm.parse(request.uri.query ?? "") ?? [:]
        guard let found = target(request, context, parameters: nil) else {
            throw TelegateError(.appNotFound, "there is no such app")
        }
        let (appID, runtime, page) = (found.appID, found.runtime, found.page)
        let completion: TelegramLoginCompletion
        do {
            completion = try await telegramLogin.finish(
                app: runtime, query: query, cookie: request.cookies[TelegramOIDCUpstream.cookieName]?.value)
        } catch let error as TelegateError where error.status != 503 {
            var response = page.error(error.code, error.message)
            response.setCookie(page.cookie(TelegramOIDCUpstream.cookieName, "", maxAge: 0))
            return response
        }
        let parameters = Dictionary(completion.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let outcome = try await authorization.authorize(
            appID: appID, parameters: parameters, submission: .telegramLogin(completion),
            sessionCookie: request.cookies[Self.sessionCookie]?.value, requestID: context.requestID)
        var response = respond(outcome, page: page.withLocale(of: parameters, request), parameters: parameters)
        response.setCookie(page.cookie(TelegramOIDCUpstream.cookieName, "", maxAge: 0))
        return response
    }

    /// The app, its runtime and the page helper of a request to `/apps/{app}/…`.
    private func target(_ request: Request, _ context: TelegateRequestContext, parameters: [String: String]?)
        -> (appID: AppID, runtime: AppRuntime, page: Page)?
    {
        guard let appID = context.parameters.get("app").flatMap(AppID.init(rawValue:)), let runtime = runtimes.app(appID) else {
            return nil
        }
        let page = Page(appID: appID, publicURL: publicURL, locale: PageLocale(uiLocales: nil, acceptLanguage: nil), csrf: nil)
        return (appID, runtime, page.withLocale(of: parameters ?? [:], request))
    }
}

extension AuthorizationRoutes.Page {
    /// This page helper in the language `parameters` and the request ask for, with the browser's CSRF cookie.
    func withLocale(of parameters: [String: String], _ request: Request) -> Self {
        Self(
            appID: appID, publicURL: publicURL,
            locale: PageLocale(uiLocales: parameters["ui_locales"], acceptLanguage: request.headers[.acceptLanguage]),
            csrf: request.cookies[AuthorizationRoutes.csrfCookie]?.value)
    }
}
