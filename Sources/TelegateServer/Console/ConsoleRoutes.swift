import HTTPTypes
import Hummingbird
import NIOCore
import TelegateAdmin
import TelegateCore
import TelegateIssuer
import TelegramAuth

/// `/console`: the admin console, server-rendered HTML over the admin operations (``AdminAPI``), for the same
/// principals as the admin API.
///
/// Login posts an admin token once; the console keeps a sealed, `HttpOnly`, `SameSite=Strict` session cookie
/// (``ConsoleSession``; `Secure` when the public URL is https) and checks the token again on every request. Every
/// form post must come from this origin (`Origin`, or `Sec-Fetch-Site` when a browser sends no `Origin`) and carry
/// the CSRF token of the page (``DoubleSubmitToken``, as the hosted pages do). Pages are `no-store` and framed
/// nowhere, and their Content-Security-Policy allows only the console's own script and stylesheet
/// (``ConsoleHeaders``).
struct ConsoleRoutes: Sendable {
    let api: AdminAPI
    let authentication: AdminAuthentication
    let box: SecretBox
    let clock: WallClock
    let audit: AuditLog
    let publicURL: String
    let trustedProxies: Set<String>
    /// "Log in with Telegram", when `server.console.telegramLogin` is configured.
    var telegramLogin: ConsoleTelegramLoginRoutes? = nil

    static let prefix = "/console"
    static let csrfCookie = "telegate_console_csrf"
    static let csrfField = "csrf"

    /// The origin every form post must come from.
    var origin: String { AuthorizationRoutes.Page.origin(of: publicURL) }

    func register(on router: Router<TelegateRequestContext>) {
        router.get(RouterPath(Self.prefix)) { request, context in
            guard let visit = try await visit(request, context) else { return Self.redirect(Self.prefix + "/login") }
            let home = visit.principal.appID.map { "\(Self.prefix)/apps/\($0)" } ?? "\(Self.prefix)/apps"
            return Self.redirect(home)
        }
        ConsoleAssets.register(on: router)
        router.get(RouterPath(Self.prefix + "/login")) { request, context in
            if try await visit(request, context) != nil { return Self.redirect(Self.prefix) }
            return loginPage(request, error: nil)
        }
        router.post(RouterPath(Self.prefix + "/login")) { request, context in
            try await login(request, context)
        }
        router.post(RouterPath(Self.prefix + "/logout")) { request, context in
            if let refused = try await refusal(request, context).page { return respond(refused, visit: nil, request: request) }
            if let visit = try await visit(request, context) {
                await audit.record(
                    "console.logout", appID: visit.principal.appID, actor: visit.principal.actor, target: nil,
                    outcome: .success, details: [], requestID: context.requestID)
            }
            var response = Self.redirect(Self.prefix + "/login")
            response.setCookie(cookie(ConsoleSession.cookieName, "", maxAge: 0))
            return response
        }
        ConsoleAppPages(routes: self).register(on: router)
        ConsoleUserPages(routes: self).register(on: router)
        ConsoleAuditPage(routes: self).register(on: router)
        ConsoleAdapterPages(routes: self).register(on: router)
        ConsoleClientPages(routes: self).register(on: router)
        ConsoleWebhookPages(routes: self).register(on: router)
        ConsoleKeysPage(routes: self).register(on: router)
        ConsoleOverviewPage(routes: self).register(on: router)
        telegramLogin?.register(on: router, console: self)
    }

    // MARK: Pages and forms

    /// Serves `render`'s page at `path` to a signed-in admin; others are sent to the login page.
    func page(
        _ path: String, on router: Router<TelegateRequestContext>,
        _ render: @escaping @Sendable (ConsoleVisit, TelegateRequestContext) async throws -> ConsolePage
    ) {
        router.get(RouterPath(path)) { request, context in
            guard let visit = try await visit(request, context) else { return Self.redirect(Self.prefix + "/login") }
            let page: ConsolePage
            do {
                page = try await render(visit, context)
            } catch let error as TelegateError {
                page = ConsoleErrorPage.page(error)
            }
            return respond(page, visit: visit, request: request)
        }
    }

    /// Accepts the form at `path` from a signed-in admin on a page of this origin with its CSRF token, and runs it.
    func form(
        _ path: String, on router: Router<TelegateRequestContext>,
        _ run: @escaping @Sendable (ConsoleVisit, [String: String], TelegateRequestContext) async throws -> ConsoleOutcome
    ) {
        router.post(RouterPath(path)) { request, context in
            let checked = try await refusal(request, context)
            if let refused = checked.page { return respond(refused, visit: nil, request: request) }
            guard let visit = try await visit(request, context) else { return Self.redirect(Self.prefix + "/login") }
            let outcome: ConsoleOutcome
            do {
                outcome = try await run(visit, checked.form, context)
            } catch let error as TelegateError {
                outcome = .page(ConsoleErrorPage.page(error))
            }
            switch outcome {
            case .redirect(let location):
                var response = Self.redirect(location)
                try refreshSession(&response, request: request)
                return response
            case .page(let page):
                return respond(page, visit: visit, request: request)
            }
        }
    }

    /// The signed-in admin of `request`: a live session whose token is still valid, or whose Telegram admin is still
    /// listed in the configuration.
    func visit(_ request: Request, _ context: TelegateRequestContext) async throws -> ConsoleVisit? {
        guard let session = ConsoleSession.open(request.cookies[ConsoleSession.cookieName]?.value, box: box, now: clock.now)
        else { return nil }
        let principal: AdminPrincipal
        switch session.source {
        case .adminToken(let digest):
            let token: AdminToken?
            do {
                token = try await api.tokens.authenticate(digest: digest)
            } catch {
                throw TelegateError.storageUnavailable()
            }
            guard let token else { return nil }
            principal = AdminPrincipal(token: token)
        case .telegramAdmin(let telegramID):
            guard let admin = telegramLogin?.settings.admin(telegramID: telegramID) else { return nil }
            principal = admin.principal
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        return ConsoleVisit(
            api: api,
            caller: AdminCaller(
                principal, requestID: context.requestID,
                client: ClientAddress.of(request, context, trustedProxies: trustedProxies)),
            csrf: DoubleSubmitToken.token(reusing: request.cookies[Self.csrfCookie]?.value), query: query)
    }

    /// A form post's fields, or the page refusing it: posted from another origin, not a form, or without the page's
    /// CSRF token.
    private func refusal(_ request: Request, _ context: TelegateRequestContext) async throws
        -> (form: [String: String], page: ConsolePage?)
    {
        if let origin = request.headers[.origin] {
            guard origin == self.origin else { return ([:], ConsoleErrorPage.crossSite) }
        } else if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
            return ([:], ConsoleErrorPage.crossSite)
        }
        let contentType = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard contentType == "application/x-www-form-urlencoded" else {
            return ([:], ConsoleErrorPage.page(TelegateError(.unsupportedMediaType, "use application/x-www-form-urlencoded")))
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard let fields = try? ProofFields.parseForm(bytes: Array(buffer.readableBytesView)) else {
            return ([:], ConsoleErrorPage.page(.invalidRequest("the form is malformed or repeats a field")))
        }
        let form = Dictionary(fields.pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard DoubleSubmitToken.matches(cookie: request.cookies[Self.csrfCookie]?.value, field: form[Self.csrfField]) else {
            return ([:], ConsoleErrorPage.csrf)
        }
        return (form, nil)
    }

    // MARK: Login

    private func login(_ request: Request, _ context: TelegateRequestContext) async throws -> Response {
        let checked = try await refusal(request, context)
        if let refused = checked.page { return respond(refused, visit: nil, request: request) }
        let client = ClientAddress.of(request, context, trustedProxies: trustedProxies)
        let result = await authentication.authenticate(
            checked.form["token"], client: client, target: request.uri.path, requestID: context.requestID)
        switch result {
        case .failure(let refusal):
            let error =
                refusal.error.code == .adminUnauthorized
                ? TelegateError(.adminUnauthorized, "this is not a valid admin token", reason: refusal.error.reason)
                : refusal.error
            return loginPage(request, error: error)
        case .success(let principal):
            await audit.record(
                "console.login", appID: principal.appID, actor: principal.actor, target: nil, outcome: .success,
                details: [("client", .string(client))], requestID: context.requestID)
            return try signedIn(.adminToken(digest: AdminTokens.hash(checked.form["token"] ?? "")), request: request)
        }
    }

    /// The login page, with `error` (and its status) when a login was refused.
    func loginPage(_ request: Request, error: TelegateError?) -> Response {
        let csrf = DoubleSubmitToken.token(reusing: request.cookies[Self.csrfCookie]?.value)
        var page = ConsoleLoginPage.page(error: error, csrf: csrf, offersTelegram: telegramLogin != nil)
        if let error { page.status = error.status }
        return respond(page, visit: nil, csrf: csrf, request: request)
    }

    /// The answer to a login that succeeded: a new session for `source`, a new CSRF token (one planted before the
    /// login is worth nothing after it), and the console.
    ///
    /// The console is reached through a page that refreshes to it rather than a redirect: a login with Telegram may
    /// arrive at the end of redirects from another site, and a browser sends no `SameSite=Strict` cookie along
    /// such a chain, so a redirect would land on the console without its new session. The refresh is a navigation
    /// from this page, which carries it.
    func signedIn(_ source: ConsoleSession.Source, request: Request) throws -> Response {
        let now = clock.now
        let session = ConsoleSession(source: source, startedAt: now, seenAt: now)
        let csrf = RandomSecret().value
        var response: Response
        switch source {
        case .adminToken:
            response = Self.redirect(Self.prefix)
            response.setCookie(cookie(Self.csrfCookie, csrf))
        case .telegramAdmin:
            var page = ConsolePage(
                title: "Logged in", main: "<p>\(ConsoleMarkup.link(Self.prefix, "Continue to the console"))</p>")
            page.refresh = Self.prefix
            response = respond(page, visit: nil, csrf: csrf, request: request)
        }
        response.setCookie(cookie(ConsoleSession.cookieName, try session.sealed(with: box)))
        return response
    }

    // MARK: Responses

    /// The page as a response, with the CSRF cookie of its forms (the visit's, or `csrf` for a page rendered without
    /// one) and, for a signed-in admin, the session used now.
    func respond(_ page: ConsolePage, visit: ConsoleVisit?, csrf: String? = nil, request: Request) -> Response {
        let csrf = visit?.csrf ?? csrf ?? DoubleSubmitToken.token(reusing: request.cookies[Self.csrfCookie]?.value)
        let document = ConsoleLayout.document(
            title: page.title, visit: visit, section: page.section, main: page.main, refresh: page.refresh)
        var response = Response(
            status: HTTPResponse.Status(code: page.status), headers: ConsoleHeaders.page,
            body: .init(byteBuffer: ByteBuffer(string: document)))
        response.setCookie(cookie(Self.csrfCookie, csrf))
        if visit != nil { try? refreshSession(&response, request: request) }
        return response
    }

    /// Sets the session cookie again, used now (the idle timeout counts from here).
    private func refreshSession(_ response: inout Response, request: Request) throws {
        guard let session = ConsoleSession.open(request.cookies[ConsoleSession.cookieName]?.value, box: box, now: clock.now)
        else { return }
        response.setCookie(cookie(ConsoleSession.cookieName, try session.seen(at: clock.now).sealed(with: box)))
    }

    /// A console cookie: only for `/console`, only over https when the public URL is https, never readable by
    /// scripts, never sent with a request another site starts.
    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: Self.prefix, secure: publicURL.hasPrefix("https://"),
            httpOnly: true, sameSite: .strict)
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
