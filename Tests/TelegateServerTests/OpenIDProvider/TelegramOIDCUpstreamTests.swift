import AsyncHTTPClient
import Foundation
import SimulatorKit
import StrictJSON
import TelegateCore
import TelegateRuntime
import TelegateTesting
import TelegramAuth
@testable import TelegramSimulator
import Testing

/// Telegate as the relying party of Telegram Login's OpenID Provider, end to end against the simulator: the start
/// URL, Telegram's approval, the callback with the code exchanged and the ID token verified, and the tokens a
/// relying party must refuse (a wrong audience, a key outside the key set, an expired token), with nothing stored.
@Suite("Telegram Login upstream")
struct TelegramOIDCUpstreamTests {
    static let pollBot: Int64 = 7_000_000_001
    static let callback = "http://telegate.test/apps/poll/authorize/telegram/callback"
    static let request: [(name: String, value: String)] = [
        ("client_id", "site"), ("redirect_uri", "https://site.example/cb"), ("state", "client-state"), ("scope", "openid profile"),
    ]

    /// Telegate (app `poll`, its bot with a Telegram Login client secret) and the simulator, on one clock.
    private static func run(
        clientSecret: String = TestService.pollOIDCSecret,
        _ body: (TestService, TelegramSimulator, TelegramOIDCUpstream, AppRuntime, HTTPClient) async throws -> Void
    ) async throws {
        let clock = TestClock()
        let simulator = try TelegramSimulator(
            configuration: TelegramSimulatorConfiguration(
                bots: [.init(id: pollBot, clientSecret: clientSecret, redirectURIs: [callback])],
                user: TelegramSimulatorConfiguration.development.user, now: { clock.now }))
        let browser = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { _ = browser.shutdown() }
        try await simulator.serving { base in
            try await TestService.run(clock: clock, configure: { configuration in
                configuration.server.telegramOIDC = TelegramOIDCSettings(issuer: base, allowInsecureLoopback: true)
                configuration.apps[0].bots[0].oidc.clientSecret = .environment("POLL_OIDC_CLIENT_SECRET")
            }) { service in
                let upstream = TelegramOIDCUpstream(services: service.application.services)
                let app = try #require(service.application.runtimes.app(AppID(rawValue: "poll")!))
                try await body(service, simulator, upstream, app, browser)
            }
        }
    }

    /// Follows the start URL to the simulator's `/auth`; returns the query Telegram sends the browser back with.
    private static func approve(_ start: TelegramLoginStart, browser: HTTPClient) async throws -> [String: String] {
        let response = try await browser.execute(HTTPClientRequest(url: start.location), timeout: .seconds(60))
        #expect(response.status.code == 302)
        let location = try #require(response.headers.first(name: "Location"))
        #expect(location.hasPrefix(callback + "?"))
        var query: [String: String] = [:]
        for item in URLComponents(string: location)?.queryItems ?? [] { query[item.name] = item.value }
        return query
    }

    private static func users(_ service: TestService) async throws -> Int {
        try await service.application.services.storage.users.users(
            appID: AppID(rawValue: "poll")!, username: nil, after: nil, limit: 10
        ).count
    }

    @Test("start → Telegram approves → callback: the verified identity for the original request, nothing stored")
    func endToEnd() async throws {
        try await Self.run { service, simulator, upstream, app, browser in
            let start = try upstream.start(app: app, botID: nil, parameters: Self.request)
            let sent = URLComponents(string: start.location)
            let parameters = Dictionary(uniqueKeysWithValues: (sent?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(parameters["client_id"] == "7000000001")
            #expect(parameters["redirect_uri"] == Self.callback)
            #expect(parameters["scope"] == "openid profile")
            #expect(parameters["code_challenge_method"] == "S256")
            #expect(parameters["code_challenge"]?.utf8.count == 43)
            #expect(parameters["nonce"]?.isEmpty == false)
            #expect(!start.cookie.contains("client-state"), "the pending login is sealed")

            let answer = try await Self.approve(start, browser: browser)
            let done = try await upstream.finish(app: app, query: answer, cookie: start.cookie)
            #expect(done.botID == Self.pollBot)
            #expect(done.identity.proof == .telegramOIDC)
            #expect(done.identity.user.id == TelegramSimulatorConfiguration.development.user.id)
            #expect(done.identity.user.username == "ada_simulated")
            #expect(done.parameters.map(\.name) == Self.request.map(\.name))
            #expect(done.parameters.map(\.value) == Self.request.map(\.value))
            #expect(simulator.control.calls("token") == 1)
            #expect(try await Self.users(service) == 0)

            let replay = await #expect(throws: TelegateError.self) {
                try await upstream.finish(app: app, query: answer, cookie: start.cookie)
            }
            #expect(replay?.code == .telegramLoginRejected)
            #expect(replay?.reason == "code_rejected")
        }
    }

    @Test("A wrong aud, a key outside Telegram's key set and an expired token are each refused; nothing is stored")
    func refusedTokens() async throws {
        try await Self.run { service, simulator, upstream, app, browser in
            let cases: [(SimulatorFault.Misbehaviour, String)] = [
                (.wrongAudience, "audience"), (.unknownKey, "signature"), (.expiredToken, "expired"),
            ]
            for (misbehaviour, reason) in cases {
                simulator.control.inject(SimulatorFault(.misbehave(misbehaviour), operation: "token", times: 1))
                let start = try upstream.start(app: app, botID: nil, parameters: Self.request)
                let answer = try await Self.approve(start, browser: browser)
                let error = await #expect(throws: TelegateError.self) {
                    try await upstream.finish(app: app, query: answer, cookie: start.cookie)
                }
                #expect(error?.code.rawValue == "token_invalid", "\(misbehaviour)")
                #expect(error?.reason == reason, "\(misbehaviour)")
                #expect(error?.problemDocument(requestID: "r").serialized.contains(TestService.pollOIDCSecret) == false)
            }
            #expect(try await Self.users(service) == 0)
        }
    }

    @Test("Telegram's answer without the cookie, for another login, after the login expired, or declined, is refused")
    func stateBinding() async throws {
        try await Self.run { service, _, upstream, app, browser in
            let first = try upstream.start(app: app, botID: nil, parameters: Self.request)
            let second = try upstream.start(app: app, botID: nil, parameters: Self.request)
            let answer = try await Self.approve(first, browser: browser)
            for (cookie, reason) in [(nil, "missing"), ("v1.forged", "missing"), (second.cookie, "mismatch")] {
                let error = await #expect(throws: TelegateError.self) {
                    try await upstream.finish(app: app, query: answer, cookie: cookie)
                }
                #expect(error?.code == .telegramLoginStateInvalid)
                #expect(error?.reason == reason)
            }
            let quiz = try #require(service.application.runtimes.app(AppID(rawValue: "quiz")!))
            let otherApp = await #expect(throws: TelegateError.self) {
                try await upstream.finish(app: quiz, query: answer, cookie: first.cookie)
            }
            #expect(otherApp?.reason == "missing", "a pending login opens only in its own app")

            let declined = await #expect(throws: TelegateError.self) {
                try await upstream.finish(app: app, query: ["state": answer["state"] ?? "", "error": "access_denied"], cookie: first.cookie)
            }
            #expect(declined?.code == .telegramLoginDenied)

            service.clock.advance(TelegramOIDCUpstream.lifetime + 1)
            let late = await #expect(throws: TelegateError.self) {
                try await upstream.finish(app: app, query: answer, cookie: first.cookie)
            }
            #expect(late?.reason == "expired")
        }
    }

    @Test("A client secret Telegram does not know is an admin's problem, named as such; a bot without one cannot start")
    func clientSecretRefused() async throws {
        try await Self.run(clientSecret: "what-botfather-shows") { _, _, upstream, app, browser in
            let start = try upstream.start(app: app, botID: nil, parameters: Self.request)
            let answer = try await Self.approve(start, browser: browser)
            let error = await #expect(throws: TelegateError.self) {
                try await upstream.finish(app: app, query: answer, cookie: start.cookie)
            }
            #expect(error?.code == .telegramLoginRejected)
            #expect(error?.reason == "client_rejected")

            let unconfigured = #expect(throws: TelegateError.self) {
                try upstream.start(app: app, botID: 7_342_037_359, parameters: Self.request)
            }
            #expect(unconfigured?.code == .telegramLoginNotConfigured)
        }
    }

    /// The authorization request of the confidential client, as a query string.
    private static var authorizationQuery: String {
        var components = URLComponents()
        components.queryItems = AuthorizationEndpointTests.request().map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.percentEncodedQuery ?? ""
    }

    /// Through the login page: the Telegram Login link, Telegram's approval, and the callback's answer.
    private static func loginThroughPage(_ tab: AuthorizationBrowser, browser: HTTPClient) async throws -> TestService.Reply {
        let page = try await tab.authorize(AuthorizationEndpointTests.request())
        #expect(page.status == 200)
        #expect(page.body.contains("/apps/poll/authorize/telegram?"), "the login page offers Telegram Login")
        let started = try await tab.get("/apps/poll/authorize/telegram?" + authorizationQuery)
        #expect(started.status == 303)
        #expect(tab.jar[TelegramOIDCUpstream.cookieName]?.isEmpty == false)
        let response = try await browser.execute(
            HTTPClientRequest(url: try #require(started.header("Location"))), timeout: .seconds(60))
        let callback = try #require(response.headers.first(name: "Location"))
        return try await tab.get(callback)
    }

    @Test("oidcc-telegram-upstream: the login page's Telegram Login ends in a 303 to the client with a code for the Telegram user")
    func throughTheAuthorizationEndpoint() async throws {
        try await Self.run { service, _, _, _, browser in
            try await service.installClients()
            let tab = AuthorizationBrowser(service)
            let done = try await Self.loginThroughPage(tab, browser: browser)
            #expect(done.status == 303, "\(done.body.prefix(300))")
            let location = TestService.query(of: done.header("Location"))
            #expect(location["state"] == AuthorizationEndpointTests.state)
            let code = try await AuthorizationEndpointTests.redeem(service, done)
            let user = try await service.application.services.storage.users.user(id: code.userID)
            #expect(user?.telegramID == TelegramSimulatorConfiguration.development.user.id)
            #expect(code.login.proof == .telegramOIDC)
            let cleared = done.headers.contains { name, value in
                name.lowercased() == "set-cookie" && value.hasPrefix(TelegramOIDCUpstream.cookieName + "=")
                    && value.contains("Max-Age=0")
            }
            #expect(cleared, "the pending login is cleared")
        }
    }

    @Test("oidcc-telegram-upstream-refused: a token with a wrong aud ends on an error page, never at the client, nothing stored")
    func refusedThroughTheAuthorizationEndpoint() async throws {
        try await Self.run { service, simulator, _, _, browser in
            try await service.installClients()
            simulator.control.inject(SimulatorFault(.misbehave(.wrongAudience), operation: "token", times: 1))
            let done = try await Self.loginThroughPage(AuthorizationBrowser(service), browser: browser)
            #expect(done.status == 401)
            #expect(done.header("Location") == nil)
            #expect(done.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(try await Self.users(service) == 0)
        }
    }
}
