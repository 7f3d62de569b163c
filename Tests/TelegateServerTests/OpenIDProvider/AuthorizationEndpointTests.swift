import Foundation
@testable import TelegateApp
import TelegateCore
import TelegateIssuer
import TelegateTesting
import TelegramAuth
import Testing

/// The authorization endpoint in process: the login form end to end for each proof, sessions, consent and every
/// error rule. Tests named `oidcc-…` model the OpenID Foundation Basic OP module of that name.
@Suite("OpenID Provider: authorization endpoint")
struct AuthorizationEndpointTests {
    static let redirectURI = TestService.confidentialClient.redirectURIs[0]
    static let publicRedirectURI = TestService.publicClient.redirectURIs[0]
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    static let state = "af0ifjsldkj"
    static let nonce = "n-0S6_WzA2Mj"

    /// The confidential client's request, with `changes` applied (a `nil` value removes the parameter).
    static func request(_ changes: [String: String?] = [:]) -> [(String, String)] {
        var parameters: [(String, String)] = [
            ("client_id", "django"), ("redirect_uri", redirectURI), ("response_type", "code"), ("scope", "openid profile"),
            ("state", state), ("nonce", nonce), ("code_challenge", challenge), ("code_challenge_method", "S256"),
        ]
        for (name, value) in changes {
            parameters.removeAll { $0.0 == name }
            if let value { parameters.append((name, value)) }
        }
        return parameters
    }

    /// The public client's request.
    static func publicRequest(_ changes: [String: String?] = [:]) -> [(String, String)] {
        request(["client_id": "spa", "redirect_uri": publicRedirectURI].merging(changes) { $1 })
    }

    static func run(_ body: (TestService, AuthorizationBrowser) async throws -> Void) async throws {
        try await TestService.run { service in
            try await service.installClients()
            try await body(service, AuthorizationBrowser(service))
        }
    }

    /// Signs in through the login page with initData; returns the final reply.
    static func logIn(_ browser: AuthorizationBrowser, _ request: [(String, String)] = request()) async throws -> TestService.Reply {
        let page = try await browser.authorize(request)
        #expect(page.status == 200, "\(page.body.prefix(300))")
        return try await browser.submit(page, adding: [("initData", try browser.service.signedInitData())])
    }

    /// The stored code of a redirect, redeemed.
    static func redeem(_ service: TestService, _ reply: TestService.Reply) async throws -> AuthorizationCode {
        let code = try #require(TestService.query(of: reply.header("Location"))["code"])
        let redemption = try await service.application.services.storage.authorizationCodes.redeem(
            appID: AppID(rawValue: "poll")!, hash: RandomSecret.hash(code), at: service.clock.now)
        guard case .redeemed(let stored) = redemption else {
            Issue.record("the code is not redeemable: \(redemption)")
            throw CancellationError()
        }
        return stored
    }

    // MARK: The login form

    @Test("oidcc-server: the login page's form, with signed initData added, answers 303 to the redirect URI with code, state and iss")
    func loginWithInitData() async throws {
        try await Self.run { service, browser in
            let page = try await browser.authorize(Self.request())
            #expect(page.status == 200)
            #expect(page.header("Cache-Control") == "no-store")
            #expect(page.header("Content-Security-Policy")?.contains("frame-ancestors") == true)
            #expect(page.header("X-Content-Type-Options") == "nosniff")
            let form = try #require(HTMLForm(page.body, id: "telegate-login"))
            #expect(form.action == "\(service.baseURL)/apps/poll/authorize")
            #expect(form["client_id"] == "django" && form["redirect_uri"] == Self.redirectURI && form["state"] == Self.state)
            #expect(form["nonce"] == Self.nonce && form["code_challenge"] == Self.challenge)
            #expect(form["csrf"] == browser.jar["telegate_csrf"] && form["csrf"] != nil)
            let csrfCookie = try #require(page.headers.first { $0.0.lowercased() == "set-cookie" }?.1)
            #expect(csrfCookie.contains("HttpOnly") && csrfCookie.contains("SameSite=Lax") && csrfCookie.contains("Path=/apps/poll"))
            #expect(!csrfCookie.contains("Secure"))

            let done = try await browser.submit(page, adding: [("initData", try service.signedInitData())])
            #expect(done.status == 303)
            let location = try #require(done.header("Location"))
            #expect(location.hasPrefix(Self.redirectURI + "?code="))
            let query = TestService.query(of: location)
            #expect(query["state"] == Self.state)
            #expect(query["iss"] == "\(service.baseURL)/apps/poll")
            let session = try #require(done.headers.first { $0.1.hasPrefix("telegate_session=") }?.1)
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/apps/poll"))
            service.rememberSecrets([query["code"] ?? "", browser.jar["telegate_session"] ?? ""])
        }
    }

    @Test("oidcc-ensure-request-with-valid-pkce-succeeds: the code is bound to client, redirect URI, scopes, nonce, PKCE challenge and session, for 60 s")
    func codeBinding() async throws {
        try await Self.run { service, browser in
            let done = try await Self.logIn(browser)
            let code = try await Self.redeem(service, done)
            #expect(code.clientID.rawValue == "django")
            #expect(code.request == AuthorizedRequest(redirectURI: Self.redirectURI, scopes: ["openid", "profile"], nonce: Self.nonce, codeChallenge: Self.challenge))
            #expect(code.login.proof == .initData && code.login.at == service.clock.now)
            #expect(code.expiresAt == service.clock.now + 60)
            #expect(code.sessionID == RandomSecret.hash(try #require(browser.jar["telegate_session"])).base64URL)
            let user = try #require(try await service.application.services.storage.users.user(id: code.userID))
            #expect(user.telegramID == TestService.sampleUser.id)
        }
    }

    @Test("The Login Widget's fields, and a tgAuthResult, complete the login form too")
    func widgetAndTgAuthResult() async throws {
        try await Self.run { service, browser in
            let signer = WidgetSigner(botToken: TestService.pollToken)
            let user = TelegramUser(id: 555, firstName: "Widget", username: "widget_user")
            let fields = try signer.sign(user: user, authDate: service.clock.now)
            let page = try await browser.authorize(Self.request())
            let viaWidget = try await browser.submit(page, adding: fields.map { ($0.key, $0.value) })
            #expect(viaWidget.status == 303, "\(viaWidget.body.prefix(300))")
            #expect(try await Self.redeem(service, viaWidget).login.proof == .widget)

            browser.forget("telegate_session")
            let again = try await browser.authorize(Self.request())
            let result = try signer.tgAuthResult(user: user, authDate: service.clock.now)
            let viaResult = try await browser.submit(again, adding: [("tgAuthResult", result)])
            #expect(viaResult.status == 303, "\(viaResult.body.prefix(300))")
            #expect(try await Self.redeem(service, viaResult).login.proof == .widget)
        }
    }

    @Test("A proof that does not hold shows the error page and stores nothing: no user, no session, no code")
    func badProof() async throws {
        try await Self.run { service, browser in
            let page = try await browser.authorize(Self.request())
            var forged = try service.signedInitData()
            forged = forged.replacingOccurrences(of: "Vladislav", with: "Mallory")
            let refused = try await browser.submit(page, adding: [("initData", forged)])
            #expect(refused.status == 401)
            #expect(refused.header("Location") == nil)
            #expect(refused.body.contains("signature_invalid"))
            #expect(browser.jar["telegate_session"] == nil)
            let users = try await service.application.services.storage.users.users(
                appID: AppID(rawValue: "poll")!, username: nil, after: nil, limit: 10)
            #expect(users.isEmpty)
        }
    }

    @Test("A login form whose csrf field does not match the cookie is refused with 403 and starts no session")
    func csrfMismatch() async throws {
        try await Self.run { service, browser in
            let page = try await browser.authorize(Self.request())
            browser.set("telegate_csrf", RandomSecret().value)
            let refused = try await browser.submit(page, adding: [("initData", try service.signedInitData())])
            #expect(refused.status == 403)
            #expect(refused.body.contains("csrf_mismatch"))
            #expect(refused.header("Location") == nil)
            #expect(browser.jar["telegate_session"] == nil)
            browser.forget("telegate_csrf")
            let cookieless = try await browser.submit(page, adding: [("initData", try service.signedInitData())])
            #expect(cookieless.status == 403)
        }
    }

    @Test("Telegram-supplied and request strings are escaped: a first_name or state of <img src=x onerror=alert(1)> never appears raw")
    func escaping() async throws {
        try await Self.run { service, browser in
            let payload = "<img src=x onerror=alert(1)>"
            let page = try await browser.authorize(Self.request(["state": payload, "login_hint": "\"><script>alert(1)</script>"]))
            #expect(page.status == 200)
            #expect(!page.body.contains(payload))
            #expect(!page.body.contains("<script>alert(1)"))
            #expect(HTMLForm(page.body, id: "telegate-login")?["state"] == payload)
            let user = TelegramUser(id: 556, firstName: payload, username: "xss")
            let initData = try InitDataSigner(botToken: BotToken(TestService.pollToken)).sign(user: user, authDate: service.clock.now - 5, queryID: "AAHdF6IQ")
            let done = try await browser.submit(page, adding: [("initData", initData)])
            #expect(done.status == 303)
            #expect(TestService.query(of: done.header("Location"))["state"] == payload)
            let consentClient = try await browser.authorize(Self.publicRequest(["state": payload]))
            #expect(consentClient.status == 200)
            #expect(!consentClient.body.contains(payload))
            #expect(consentClient.body.contains("Continue as <b>&lt;img src=x onerror=alert(1)&gt;</b>"))
        }
    }

    // MARK: Where errors go

    @Test("oidcc-ensure-registered-redirect-uri: a redirect URI not registered (or a prefix of one) shows an error page and never redirects")
    func unregisteredRedirectURI() async throws {
        try await Self.run { _, browser in
            for uri in ["https://attacker.example/cb", Self.redirectURI + "extra", String(Self.redirectURI.dropLast())] {
                let reply = try await browser.authorize(Self.request(["redirect_uri": uri]))
                #expect(reply.status == 400)
                #expect(reply.header("Location") == nil)
                #expect(reply.body.contains("redirect_uri_not_registered"))
            }
            let missing = try await browser.authorize(Self.request(["redirect_uri": nil]))
            #expect(missing.status == 400 && missing.header("Location") == nil)
        }
    }

    @Test("An unknown client_id shows an error page and never redirects")
    func unknownClient() async throws {
        try await Self.run { _, browser in
            let reply = try await browser.authorize(Self.request(["client_id": "nobody"]))
            #expect(reply.status == 400)
            #expect(reply.header("Location") == nil)
            #expect(reply.body.contains("unknown_client"))
        }
    }

    @Test("oidcc-response-type-missing and an unsupported response_type redirect with the error and state")
    func responseType() async throws {
        try await Self.run { _, browser in
            for (value, error) in [(nil, "invalid_request"), ("token", "unsupported_response_type"), ("code id_token", "unsupported_response_type")] {
                let reply = try await browser.authorize(Self.request(["response_type": value]))
                #expect(reply.status == 303)
                let query = TestService.query(of: reply.header("Location"))
                #expect(query["error"] == error)
                #expect(query["state"] == Self.state)
                #expect(query["code"] == nil)
            }
        }
    }

    @Test("oidcc-ensure-request-without-openid-scope: a scope without openid is invalid_scope; scopes Telegate lacks (email) are left out")
    func scope() async throws {
        try await Self.run { service, browser in
            let reply = try await browser.authorize(Self.request(["scope": "profile"]))
            #expect(TestService.query(of: reply.header("Location"))["error"] == "invalid_scope")
            let done = try await Self.logIn(browser, Self.request(["scope": "openid email profile openid"]))
            #expect(try await Self.redeem(service, done).request.scopes == ["openid", "profile"])
        }
    }

    @Test("oidcc-unknown-parameters: unknown parameters are ignored; a repeated parameter is refused")
    func unknownAndRepeatedParameters() async throws {
        try await Self.run { _, browser in
            let page = try await browser.authorize(Self.request(["extra": "value"]))
            #expect(page.status == 200)
            let repeated = try await browser.get(
                "/apps/poll/authorize?" + TelegramEncoding.queryString(Self.request().map { (key: $0.0, value: $0.1) }) + "&state=again")
            #expect(repeated.status == 400 && repeated.header("Location") == nil)
        }
    }

    @Test("oidcc-ensure-pkce-required: a public client without code_challenge, with plain, or a malformed challenge is invalid_request")
    func pkce() async throws {
        try await Self.run { _, browser in
            let refusals: [[String: String?]] = [
                ["code_challenge": nil, "code_challenge_method": nil], ["code_challenge_method": "plain"],
                ["code_challenge_method": nil], ["code_challenge": "short"], ["code_challenge": String(repeating: "a", count: 42) + "="],
            ]
            for change in refusals {
                let reply = try await browser.authorize(Self.publicRequest(change))
                #expect(reply.status == 303)
                #expect(TestService.query(of: reply.header("Location"))["error"] == "invalid_request", "\(change)")
            }
            let confidential = try await browser.authorize(Self.request(["code_challenge": nil, "code_challenge_method": nil]))
            #expect(confidential.status == 200, "a confidential client may leave PKCE out")
        }
    }

    // MARK: Sessions

    @Test("oidcc-prompt-none-not-logged-in: prompt=none without a session redirects with login_required")
    func promptNoneWithoutSession() async throws {
        try await Self.run { _, browser in
            let reply = try await browser.authorize(Self.request(["prompt": "none"]))
            #expect(reply.status == 303)
            let query = TestService.query(of: reply.header("Location"))
            #expect(query["error"] == "login_required")
            #expect(query["state"] == Self.state)
        }
    }

    @Test("oidcc-prompt-none-logged-in: with a session, a second authorization is single sign-on, with or without prompt=none")
    func singleSignOn() async throws {
        try await Self.run { service, browser in
            let first = try await Self.logIn(browser)
            #expect(first.status == 303)
            for extra in [[:], ["prompt": "none"]] as [[String: String?]] {
                let again = try await browser.authorize(Self.request(extra.merging(["state": "second"]) { $1 }))
                #expect(again.status == 303)
                let query = TestService.query(of: again.header("Location"))
                #expect(query["code"] != nil && query["state"] == "second")
                #expect(try await Self.redeem(service, again).login.at == service.clock.now)
            }
        }
    }

    @Test("oidcc-prompt-login: prompt=login shows the login page despite a session, and the new proof starts a new session")
    func promptLogin() async throws {
        try await Self.run { service, browser in
            _ = try await Self.logIn(browser)
            let before = try #require(browser.jar["telegate_session"])
            service.clock.advance(120)
            let page = try await browser.authorize(Self.request(["prompt": "login"]))
            #expect(page.status == 200)
            #expect(HTMLForm(page.body, id: "telegate-login")?["prompt"] == "login")
            let done = try await browser.submit(page, adding: [("initData", try service.signedInitData())])
            #expect(done.status == 303)
            #expect(try await Self.redeem(service, done).login.at == service.clock.now)
            #expect(browser.jar["telegate_session"] != before)
            let old = try await service.application.services.storage.browserSessions.session(
                appID: AppID(rawValue: "poll")!, hash: RandomSecret.hash(before))
            #expect(old?.revokedAt != nil, "the replaced session is ended")
        }
    }

    @Test("oidcc-max-age-1: a session older than max_age needs a new proof; with prompt=none it is login_required")
    func maxAge() async throws {
        try await Self.run { service, browser in
            _ = try await Self.logIn(browser)
            service.clock.advance(2)
            let fresh = try await browser.authorize(Self.request(["max_age": "10"]))
            #expect(fresh.status == 303, "a session younger than max_age is used")
            let page = try await browser.authorize(Self.request(["max_age": "1"]))
            #expect(page.status == 200)
            let none = try await browser.authorize(Self.request(["max_age": "1", "prompt": "none"]))
            #expect(TestService.query(of: none.header("Location"))["error"] == "login_required")
            let malformed = try await browser.authorize(Self.request(["max_age": "-1"]))
            #expect(TestService.query(of: malformed.header("Location"))["error"] == "invalid_request")
        }
    }

    @Test("A session ends after its idle timeout (14 days by default)")
    func idleTimeout() async throws {
        try await Self.run { service, browser in
            _ = try await Self.logIn(browser)
            service.clock.advance(14 * 86_400)
            let reply = try await browser.authorize(Self.request(["prompt": "none"]))
            #expect(TestService.query(of: reply.header("Location"))["error"] == "login_required")
        }
    }

    @Test("A warm authorization writes a session's last use at most once an hour")
    func lastSeenIsWriteLight() async throws {
        try await Self.run { service, browser in
            _ = try await Self.logIn(browser)
            let started = service.clock.now
            let hash = RandomSecret.hash(try #require(browser.jar["telegate_session"]))
            let sessions = service.application.services.storage.browserSessions
            service.clock.advance(1800)
            #expect(try await browser.authorize(Self.request()).status == 303)
            #expect(try await sessions.session(appID: AppID(rawValue: "poll")!, hash: hash)?.lastSeenAt == started)
            service.clock.advance(1800)
            #expect(try await browser.authorize(Self.request()).status == 303)
            #expect(try await sessions.session(appID: AppID(rawValue: "poll")!, hash: hash)?.lastSeenAt == started + 3600)
        }
    }

    @Test("The pruner deletes codes a day after they expire and sessions past their lifetime")
    func pruning() async throws {
        try await Self.run { service, browser in
            let done = try await Self.logIn(browser)
            let code = try #require(TestService.query(of: done.header("Location"))["code"])
            let hash = RandomSecret.hash(try #require(browser.jar["telegate_session"]))
            let storage = service.application.services.storage
            let poll = AppID(rawValue: "poll")!
            let pruner = service.application.pruner
            service.clock.advance(3600)
            await pruner.prune()
            #expect(try await storage.authorizationCodes.redeem(appID: poll, hash: RandomSecret.hash(code), at: service.clock.now - 3599) != .unknown)
            #expect(try await storage.browserSessions.session(appID: poll, hash: hash) != nil)
            service.clock.advance(90 * 86_400)
            await pruner.prune()
            #expect(try await storage.authorizationCodes.redeem(appID: poll, hash: RandomSecret.hash(code), at: service.clock.now) == .unknown)
            #expect(try await storage.browserSessions.session(appID: poll, hash: hash) == nil)
        }
    }

    // MARK: Consent

    @Test("consent: required shows the consent page after login; allow issues the code and is remembered, deny is access_denied")
    func consent() async throws {
        try await Self.run { service, browser in
            let none = try await browser.authorize(Self.publicRequest(["prompt": "none"]))
            #expect(TestService.query(of: none.header("Location"))["error"] == "login_required")
            let consentPage = try await Self.logIn(browser, Self.publicRequest())
            #expect(consentPage.status == 200)
            let form = try #require(HTMLForm(consentPage.body, id: "telegate-consent"))
            #expect(form["client_id"] == "spa" && form["csrf"] == browser.jar["telegate_csrf"])
            let withoutConsent = try await browser.authorize(Self.publicRequest(["prompt": "none"]))
            #expect(TestService.query(of: withoutConsent.header("Location"))["error"] == "consent_required")

            let denied = try await browser.submit(consentPage, form: "telegate-consent", adding: [("consent", "deny")])
            #expect(TestService.query(of: denied.header("Location"))["error"] == "access_denied")
            let allowed = try await browser.submit(consentPage, form: "telegate-consent", adding: [("consent", "allow")])
            #expect(allowed.status == 303)
            #expect(try await Self.redeem(service, allowed).clientID.rawValue == "spa")

            let remembered = try await browser.authorize(Self.publicRequest(["prompt": "none"]))
            #expect(TestService.query(of: remembered.header("Location"))["code"] != nil)
            let wider = try await browser.authorize(Self.publicRequest(["scope": "openid profile telegram"]))
            #expect(wider.status == 200, "a consent covers only the scopes agreed to")
            #expect(HTMLForm(wider.body, id: "telegate-consent") != nil)
        }
    }

    @Test("A consent form posted without a live session shows the login page")
    func consentWithoutSession() async throws {
        try await Self.run { _, browser in
            let page = try await browser.authorize(Self.publicRequest())
            let reply = try await browser.submit(page, adding: [("consent", "allow")])
            #expect(reply.status == 200)
            #expect(HTMLForm(reply.body, id: "telegate-login") != nil)
        }
    }
}

extension Array where Element == UInt8 {
    var base64URL: String { Base64.urlEncode(self) }
}
