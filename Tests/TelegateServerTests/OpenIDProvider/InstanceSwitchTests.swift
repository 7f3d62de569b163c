import Foundation
import StrictJSON
import TelegateApp
@testable import TelegateCore
import TelegatePostgres
import TelegateTesting
import Testing

/// The OpenID Provider keeps codes and browser sessions in the database, never in an instance: what one instance
/// issued, another redeems, recognises and ends. On PostgreSQL, two instances in this process share one database
/// (a schema of its own, dropped afterwards); on SQLite, one file outlives a restart, each step running on an
/// instance started afresh on it.
@Suite("OpenID Provider: instance switch")
struct InstanceSwitchTests {
    typealias Flow = AuthorizationEndpointTests

    /// Which of the two instances a step runs on.
    enum Instance {
        case a
        case b
    }

    /// Runs a step on an instance.
    typealias On = (Instance, (TestService) async throws -> Void) async throws -> Void

    /// The database the PostgreSQL test runs on: `TELEGATE_TEST_POSTGRES_URL`, when set.
    static let postgresURL = ProcessInfo.processInfo.environment["TELEGATE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether the PostgreSQL test can run; says so on standard error when it cannot.
    static var postgresAvailable: Bool {
        if postgresURL == nil {
            FileHandle.standardError.write(
                Data("note: TELEGATE_TEST_POSTGRES_URL is not set; the OpenID Provider instance switch on PostgreSQL is skipped\n".utf8))
        }
        return postgresURL != nil
    }

    @Test(
        "PostgreSQL: a code issued on A is redeemed on B; A's session is single sign-on on B; A accepts B's access token; logout on B ends it for A",
        .enabled(if: postgresAvailable))
    func postgres() async throws {
        let url = try #require(Self.postgresURL)
        let schema = "op_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let databaseURL = url + (url.contains("?") ? "&" : "?") + "schema=\(schema)&pool_size=4"
        // PostgreSQL's clock is the real one, so the services' clock starts at the real time.
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        var failure: (any Error)?
        do {
            try await Self.run(databaseURL, clock) { a in
                try await Self.run(databaseURL, clock) { b in
                    try await Self.scenario { instance, step in try await step(instance == .a ? a : b) }
                }
            }
        } catch {
            failure = error
        }
        let cleaner = PostgresStorage(settings: try PostgresSettings(url: url))
        try? await cleaner.dropSchema(String(schema))
        try? await cleaner.close()
        if let failure { throw failure }
    }

    @Test("SQLite: the same across restarts on one file — every step on an instance started afresh, the one before it stopped")
    func sqlite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-switch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let databaseURL = "sqlite://\(directory.path)/telegate.sqlite"
        let clock = TestClock()
        try await Self.scenario { _, step in try await Self.run(databaseURL, clock, step) }
    }

    /// Log in on A through the form; on B redeem the code and sign in again with A's cookie; on A read userinfo
    /// with B's access token and find the code spent; log out on B; on A the cookie no longer signs in.
    static func scenario(_ on: On) async throws {
        var code = ""
        var cookie = ""
        try await on(.a) { a in
            let browser = AuthorizationBrowser(a)
            let login = try await Flow.logIn(browser)
            #expect(login.status == 303)
            code = try #require(TestService.query(of: login.header("Location"))["code"])
            cookie = try #require(browser.jar["telegate_session"])
            a.rememberSecrets([code, cookie])
        }

        var idToken = ""
        var accessToken = ""
        try await on(.b) { b in
            b.rememberSecrets([code, cookie])
            let tokens = try await redeem(code, on: b)
            #expect(tokens.status == 200, "\(tokens.body)")
            idToken = try #require(tokens.json["id_token"]?.stringValue)
            accessToken = try #require(tokens.json["access_token"]?.stringValue)

            let browser = AuthorizationBrowser(b)
            browser.set("telegate_session", cookie)
            let again = try await browser.authorize(Flow.request(["state": "on-b"]))
            #expect(again.status == 303, "single sign-on, no login page: \(again.body.prefix(200))")
            let query = TestService.query(of: again.header("Location"))
            #expect(query["state"] == "on-b")
            let second = try await redeem(try #require(query["code"]), on: b)
            #expect(second.status == 200, "\(second.body)")
            let sid = try JWT.claims(idToken)["sid"]
            #expect(sid != nil)
            #expect(try JWT.claims(try #require(second.json["id_token"]?.stringValue))["sid"] == sid, "the same browser session")
        }

        try await on(.a) { a in
            a.rememberSecrets([code, cookie, idToken, accessToken])
            let userInfo = try await a.request(.get, "/apps/poll/userinfo", headers: [("Authorization", "Bearer " + accessToken)])
            #expect(userInfo.status == 200, "\(userInfo.body)")
            #expect(userInfo.json["sub"] == (try JWT.claims(idToken)["sub"]))
            let replay = try await redeem(code, on: a)
            #expect(replay.status == 400)
            #expect(replay.json["error"] == .string("invalid_grant"))
        }

        try await on(.b) { b in
            b.rememberSecrets([code, cookie, idToken, accessToken])
            let logout = try await b.request(.get, "/apps/poll/logout?id_token_hint=" + idToken)
            #expect(logout.status == 200)
        }

        try await on(.a) { a in
            a.rememberSecrets([code, cookie, idToken, accessToken])
            let browser = AuthorizationBrowser(a)
            browser.set("telegate_session", cookie)
            let page = try await browser.authorize(Flow.request())
            #expect(page.status == 200)
            #expect(HTMLForm(page.body, id: "telegate-login") != nil, "the login page, the session having ended")
            let silent = try await browser.authorize(Flow.request(["prompt": "none"]))
            #expect(silent.status == 303)
            #expect(TestService.query(of: silent.header("Location"))["error"] == "login_required")
        }
    }

    /// An instance on `databaseURL` with the confidential client `django`, running `body`.
    static func run(_ databaseURL: String, _ clock: TestClock, _ body: (TestService) async throws -> Void) async throws {
        try await TestService.run(
            clock: clock,
            configure: { configuration in
                configuration.databaseURL = databaseURL
                configuration.apps[0].clients = [
                    ClientSpec(
                        id: ClientID(rawValue: "django")!, secret: .environment("POLL_DJANGO_CLIENT_SECRET"),
                        redirectURIs: [Flow.redirectURI])
                ]
            }, body)
    }

    /// The token endpoint's answer to `code` (with the request's PKCE verifier) on `service`.
    static func redeem(_ code: String, on service: TestService) async throws -> TestService.Reply {
        let basic = "Basic " + Data("django:\(TestService.djangoClientSecret)".utf8).base64EncodedString()
        let body = [
            "grant_type=authorization_code", "code=\(code)",
            "redirect_uri=" + (Flow.redirectURI.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
            "code_verifier=" + OpenIDProviderRig.verifier,
        ].joined(separator: "&")
        let reply = try await service.request(
            .post, "/apps/poll/token", body: body, contentType: "application/x-www-form-urlencoded", headers: [("Authorization", basic)])
        for member in ["access_token", "id_token", "refresh_token"] {
            if let token = reply.json[member]?.stringValue { service.rememberSecrets([token]) }
        }
        return reply
    }
}
