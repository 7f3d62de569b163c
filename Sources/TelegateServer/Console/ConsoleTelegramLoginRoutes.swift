import HTTPTypes
import Hummingbird
import ProviderKit
import StrictJSON
import TelegateCore
import TelegateIssuer
import TelegateRuntime
import TelegramAuth

/// `GET /console/login/telegram` and `…/telegram/callback`: "Log in with Telegram" for the admins of
/// ``ConsoleTelegramLogin``, with Telegate as an OpenID client of its own OpenID Provider.
///
/// The first sends the browser to the configured app's authorization endpoint for the built-in public client
/// ``ConsoleTelegramLogin/clientID`` (authorization code with PKCE S256, `state` and `nonce`), keeping them in a
/// sealed cookie (``ConsoleTelegramLoginPending``). That cookie is `SameSite=Lax`, unlike the console's others: the
/// callback is a top-level navigation at the end of redirects that may have passed through Telegram's own OpenID
/// Provider (another site), and a `Strict` cookie is not sent with it, so the login could never finish. `Lax` still
/// keeps it out of every cross-site subresource and form post, and it is good for one login only.
///
/// The callback checks `state` and `iss`, redeems the code with the token endpoint's own operation (in process,
/// never an HTTP call to itself), verifies the ID token (a key of the app's ring, `iss`, `aud`, `nonce`, `exp`) and
/// looks its `telegram_id` up in the admin list. A listed admin gets a console session; anyone else the login page
/// with `admin_unauthorized`, audited as a failed `console.login`.
struct ConsoleTelegramLoginRoutes: Sendable {
    let settings: ConsoleTelegramLogin
    let runtimes: RuntimeRegistry
    let tokens: TokenEndpointService

    static let startPath = ConsoleRoutes.prefix + "/login/telegram"

    func register(on router: Router<TelegateRequestContext>, console: ConsoleRoutes) {
        router.get(RouterPath(Self.startPath)) { request, context in
            try await start(request, context, console: console)
        }
        router.get(RouterPath(ConsoleTelegramLogin.callbackPath)) { request, context in
            var response = try await finish(request, context, console: console)
            response.setCookie(pendingCookie("", console: console, maxAge: 0))
            return response
        }
    }

    private func start(_ request: Request, _ context: TelegateRequestContext, console: ConsoleRoutes) async throws -> Response {
        guard runtimes.app(settings.appID) != nil else {
            return console.loginPage(
                request, error: TelegateError(.appNotFound, "the app configured for logging in with Telegram does not exist"))
        }
        let pending = ConsoleTelegramLoginPending.start(at: console.clock.now)
        let query: [(key: String, value: String)] = [
            ("client_id", ConsoleTelegramLogin.clientID.rawValue),
            ("redirect_uri", ConsoleTelegramLogin.redirectURI(publicURL: console.publicURL)), ("response_type", "code"),
            ("scope", ConsoleTelegramLogin.scopes.joined(separator: " ")), ("state", pending.state),
            ("nonce", pending.nonce), ("code_challenge", pending.challenge), ("code_challenge_method", "S256"),
        ]
        var response = ConsoleRoutes.redirect(
            "\(console.publicURL)/apps/\(settings.appID)/authorize?" + TelegramEncoding.queryString(query))
        response.setCookie(
            pendingCookie(
                try pending.sealed(with: console.box), console: console, maxAge: Int(ConsoleTelegramLoginPending.lifetime)))
        return response
    }

    private func finish(_ request: Request, _ context: TelegateRequestContext, console: ConsoleRoutes) async throws -> Response {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters where query[String(key)] == nil {
            query[String(key)] = String(value)
        }
        let client = ClientAddress.of(request, context, trustedProxies: console.trustedProxies)
        guard
            let pending = ConsoleTelegramLoginPending.open(
                request.cookies[ConsoleTelegramLoginPending.cookieName]?.value, box: console.box, now: console.clock.now),
            DoubleSubmitToken.matches(cookie: pending.state, field: query["state"])
        else {
            return console.loginPage(
                request,
                error: TelegateError(
                    .csrfMismatch, "this login has expired or was not started in this browser; log in with Telegram again",
                    reason: "state"))
        }
        guard query["error"] == nil, let code = query["code"] else {
            return console.loginPage(
                request, error: TelegateError(.adminUnauthorized, "the login with Telegram was not completed"))
        }
        guard let runtime = runtimes.app(settings.appID) else {
            return console.loginPage(
                request, error: TelegateError(.appNotFound, "the app configured for logging in with Telegram does not exist"))
        }
        guard query["iss"] == runtime.issuer,
            let claims = try await identity(code: code, pending: pending, runtime: runtime, console: console, context: context),
            let telegramID = claims["telegram_id"]?.integerValue
        else {
            return console.loginPage(
                request,
                error: TelegateError(
                    .adminUnauthorized, "the login with Telegram could not be verified; log in again", reason: "id_token"))
        }
        guard let admin = settings.admin(telegramID: telegramID) else {
            await console.audit.record(
                "console.login", appID: settings.appID, actor: "client:\(client)",
                target: claims["sub"]?.stringValue.map { "user:\($0)" }, outcome: .failure,
                details: [("method", .string("telegram")), ("reason", .string("not_listed"))], requestID: context.requestID)
            return console.loginPage(
                request,
                error: TelegateError(
                    .adminUnauthorized, "this Telegram account is not an admin of this console", reason: "not_listed"))
        }
        let principal = admin.principal
        await console.audit.record(
            "console.login", appID: principal.appID, actor: principal.actor, target: nil, outcome: .success,
            details: [("client", .string(client)), ("method", .string("telegram"))], requestID: context.requestID)
        return try console.signedIn(.telegramAdmin(telegramID: admin.telegramID), request: request)
    }

    /// The claims of the ID token `code` is redeemed for, when it is sound: redeemed by the token endpoint's own
    /// operation for the built-in client with the pending login's verifier, signed by a key of the app's ring, and
    /// naming the app's issuer, this client, the pending login's nonce and an expiry still ahead. `nil` otherwise.
    private func identity(
        code: String, pending: ConsoleTelegramLoginPending, runtime: AppRuntime, console: ConsoleRoutes,
        context: TelegateRequestContext
    ) async throws -> JSONValue? {
        let clientID = ConsoleTelegramLogin.clientID.rawValue
        let parameters = [
            "grant_type": "authorization_code", "code": code, "client_id": clientID,
            "redirect_uri": ConsoleTelegramLogin.redirectURI(publicURL: console.publicURL), "code_verifier": pending.verifier,
        ]
        let answer: TokenResponse
        do {
            answer = try await tokens.token(
                appID: settings.appID, credentials: ClientCredentials(authorization: nil, parameters: parameters),
                parameters: parameters, requestID: context.requestID)
        } catch is OAuthError {
            return nil
        }
        guard let idToken = answer.idToken, let (type, claims) = try await runtime.keyRing.verified(idToken), type == "JWT",
            claims["iss"]?.stringValue == runtime.issuer, claims["aud"]?.stringValue == clientID,
            DoubleSubmitToken.matches(cookie: pending.nonce, field: claims["nonce"]?.stringValue),
            let expiry = claims["exp"]?.integerValue, expiry > console.clock.now
        else { return nil }
        return claims
    }

    /// The pending login's cookie: `SameSite=Lax` (see above), only for `/console`, `HttpOnly`, and `Secure` when the
    /// public URL is https.
    private func pendingCookie(_ value: String, console: ConsoleRoutes, maxAge: Int) -> Cookie {
        Cookie(
            name: ConsoleTelegramLoginPending.cookieName, value: value, maxAge: maxAge, path: ConsoleRoutes.prefix,
            secure: console.publicURL.hasPrefix("https://"), httpOnly: true, sameSite: .lax)
    }
}
