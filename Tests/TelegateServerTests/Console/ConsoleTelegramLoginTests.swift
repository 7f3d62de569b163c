import Foundation
import StrictJSON
@testable import TelegateApp
import TelegateCore
import TelegateServer
import TelegateTesting
import TelegramAuth
import Testing

/// The console's "Log in with Telegram" through the router: the console sends the browser to app `poll`'s own
/// authorization endpoint for the built-in client, the hosted login page takes a signed initData, the callback
/// redeems the code in process and checks the ID token, and a listed admin gets a session with the list's rights.
@Suite("Admin console: log in with Telegram")
struct ConsoleTelegramLoginTests {
    static let alice = TestService.sampleUser
    static let bob = TelegramUser(id: 5_000_000_001, firstName: "Bob", username: "bob_reads")

    /// `server.console.telegramLogin` over app `poll` with `admins`.
    static func settings(_ admins: [ConsoleTelegramLogin.Admin], app: String = "poll") -> ConsoleTelegramLogin {
        ConsoleTelegramLogin(appID: AppID(rawValue: app)!, admins: admins)
    }

    static let standardAdmins = [
        ConsoleTelegramLogin.Admin(telegramID: alice.id, name: "alice"),
        ConsoleTelegramLogin.Admin(telegramID: bob.id, name: "bob", readOnly: true),
    ]

    static func run(
        admins: [ConsoleTelegramLogin.Admin] = standardAdmins, app: String = "poll",
        database: String? = nil, _ body: (TestService) async throws -> Void
    ) async throws {
        try await TestService.run(
            configure: {
                $0.server.consoleTelegramLogin = settings(admins, app: app)
                if let database { $0.databaseURL = database }
            }, body)
    }

    /// The path and query of a `Location` (absolute on this service, or already a path).
    static func path(_ location: String?, on service: TestService) throws -> String {
        let location = try #require(location, "no Location")
        return location.hasPrefix(service.baseURL) ? String(location.dropFirst(service.baseURL.count)) : location
    }

    /// The console's "Log in with Telegram" up to the OpenID Provider's redirect to the callback: the login page's
    /// link, the authorization request, and the hosted login page's form with initData signed for `user`. Returns
    /// the callback's path and query.
    static func authorize(_ browser: ConsoleBrowserStub, as user: TelegramUser) async throws -> String {
        let login = try await browser.get("/console/login")
        #expect(login.body.contains("href=\"/console/login/telegram\""), "the login page offers Telegram")
        let start = try await browser.get("/console/login/telegram")
        #expect(start.status == 303)
        let authorize = try path(start.header("Location"), on: browser.service)
        #expect(authorize.hasPrefix("/apps/poll/authorize?client_id=telegate-console&"))
        let page = try await browser.get(authorize)
        #expect(page.status == 200, "\(page.body.prefix(300))")
        let form = try #require(HTMLForm(page.body, id: "telegate-login"))
        let initData = try browser.service.signedInitData(user: user)
        let done = try await browser.post(
            try path(form.action, on: browser.service), form.fields + [("initData", initData)], csrf: false)
        #expect(done.status == 303, "\(done.body.prefix(300))")
        let callback = try path(done.header("Location"), on: browser.service)
        #expect(callback.hasPrefix("/console/login/telegram/callback?code="))
        return callback
    }

    /// Logs in with Telegram as `user` all the way; returns the callback's answer.
    @discardableResult
    static func logIn(_ browser: ConsoleBrowserStub, as user: TelegramUser) async throws -> HTTPReply {
        try await browser.get(try await authorize(browser, as: user))
    }

    @Test("Login page → the app's authorization endpoint → hosted login → callback → console session, audited as telegram:<name>")
    func fullFlow() async throws {
        try await Self.run { service in
            let browser = ConsoleBrowserStub(service)
            _ = try await browser.get("/console/login")
            let start = try await browser.get("/console/login/telegram")
            let pending = try #require(browser.setCookies.last { $0.hasPrefix("telegate_console_telegram=") })
            #expect(pending.contains("HttpOnly") && pending.contains("SameSite=Lax") && pending.contains("Path=/console"))
            let query = TestService.query(of: start.header("Location"))
            #expect(query["redirect_uri"] == "\(service.baseURL)/console/login/telegram/callback")
            #expect(query["scope"] == "openid telegram" && query["code_challenge_method"] == "S256")
            #expect(query["state"] != nil && query["nonce"] != nil && query["code_challenge"] != nil)
            #expect(query["code_verifier"] == nil, "the verifier stays in the sealed cookie")

            let fresh = ConsoleBrowserStub(service)
            let callback = try await Self.authorize(fresh, as: Self.alice)
            let answer = try await fresh.get(callback)
            #expect(answer.status == 200, "\(answer.body.prefix(400))")
            #expect(answer.body.contains("<meta http-equiv=\"refresh\" content=\"0;url=/console\">"))
            let session = try #require(fresh.setCookies.last { $0.hasPrefix("telegate_console=") })
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Strict") && session.contains("Path=/console"))
            #expect(fresh.setCookies.last { $0.hasPrefix("telegate_console_telegram=") }?.contains("Max-Age=0") == true)
            #expect(fresh.cookies["telegate_console_telegram"] == nil)

            let apps = try await fresh.get("/console/apps")
            #expect(apps.status == 200)
            #expect(apps.body.contains("telegram:alice"))
            #expect(ConsoleTests.postActions(apps.body).contains("/console/apps"), "an ordinary admin may create apps")
            let created = try await fresh.post("/console/apps", [("id", "by-telegram")])
            #expect(created.status == 303)

            let root = try await service.adminToken(name: "root")
            #expect(try await service.admin(.get, "/apps/by-telegram", token: root).status == 200)
            let audit = try await service.admin(.get, "/audit?limit=50", token: root)
            let items = audit.json["items"]?.arrayElements ?? []
            let login = items.first { $0["action"]?.stringValue == "console.login" && $0["outcome"]?.stringValue == "success" }
            #expect(login?["actor"]?.stringValue == "telegram:alice")
            let app = items.first { $0["action"]?.stringValue == "app.created" }
            #expect(app?["actor"]?.stringValue == "telegram:alice")
            let logins = try await service.admin(.get, "/audit?limit=50&action=console.login", token: root)
            #expect(!logins.body.contains(String(Self.alice.id)), "the login's audit event does not name the Telegram id")
        }
    }

    @Test("A listed read-only admin sees every page but no form other than logging out")
    func readOnly() async throws {
        try await Self.run { service in
            let browser = ConsoleBrowserStub(service)
            let answer = try await Self.logIn(browser, as: Self.bob)
            #expect(answer.status == 200)
            for path in ["/console/apps", "/console/apps/poll", "/console/apps/poll/users", "/console/audit"] {
                let page = try await browser.get(path)
                #expect(page.status == 200, "\(path)")
                #expect(page.body.contains("telegram:bob (read-only)"), "\(path)")
                #expect(ConsoleTests.postActions(page.body) == ["/console/logout"], "\(path)")
            }
            let refused = try await browser.post("/console/apps", [("id", "sneaky")])
            #expect(refused.status == 403 && refused.body.contains("admin_forbidden"))
        }
    }

    @Test("An app-scoped admin opens on the app")
    func appScoped() async throws {
        try await Self.run(admins: [.init(telegramID: Self.alice.id, name: "alice", appID: AppID(rawValue: "quiz"))]) { service in
            let browser = ConsoleBrowserStub(service)
            try await Self.logIn(browser, as: Self.alice)
            #expect(try await browser.get("/console").header("Location") == "/console/apps/quiz")
            #expect(try await browser.get("/console/apps/poll").status == 404)
        }
    }

    @Test("A Telegram user who is not listed is refused with admin_unauthorized, audited, and gets no session")
    func unlisted() async throws {
        try await Self.run { service in
            let stranger = TelegramUser(id: 6_000_000_001, firstName: "<img src=x onerror=alert(1)>", username: "stranger")
            let browser = ConsoleBrowserStub(service)
            let answer = try await Self.logIn(browser, as: stranger)
            #expect(answer.status == 401)
            #expect(answer.body.contains("admin_unauthorized"))
            #expect(answer.body.contains("not an admin of this console"))
            #expect(!answer.body.contains("<img src=x"))
            #expect(browser.cookies["telegate_console"] == nil)
            #expect(try await browser.get("/console/apps").header("Location") == "/console/login")
            let root = try await service.adminToken(name: "root")
            let audit = try await service.admin(.get, "/audit?limit=50&action=console.login", token: root)
            let failure = audit.json["items"]?.arrayElements?.first { $0["outcome"]?.stringValue == "failure" }
            #expect(failure != nil)
            #expect(failure?["target"]?.stringValue?.hasPrefix("user:") == true)
            #expect(!audit.body.contains(String(stranger.id)), "the audit log names the local user, not the Telegram id")
            #expect(!service.logs.text.contains(String(stranger.id)), "nor does the log")
        }
    }

    @Test("A tampered state, a missing login cookie and a replayed code are refused")
    func refusals() async throws {
        try await Self.run { service in
            let tampered = ConsoleBrowserStub(service)
            let callback = try await Self.authorize(tampered, as: Self.alice)
            let state = try #require(TestService.query(of: callback)["state"])
            let altered = callback.replacingOccurrences(of: "state=\(state)", with: "state=\(state.hasPrefix("x") ? "y" : "x")\(state.dropFirst())")
            let refused = try await tampered.get(altered)
            #expect(refused.status == 403 && refused.body.contains("csrf_mismatch"))
            #expect(tampered.cookies["telegate_console"] == nil)

            let cookieless = ConsoleBrowserStub(service)
            let other = try await Self.authorize(cookieless, as: Self.alice)
            cookieless.cookies["telegate_console_telegram"] = nil
            let missing = try await cookieless.get(other)
            #expect(missing.status == 403 && missing.body.contains("csrf_mismatch"))
            #expect(cookieless.cookies["telegate_console"] == nil)

            let replaying = ConsoleBrowserStub(service)
            let first = try await Self.authorize(replaying, as: Self.alice)
            let pending = try #require(replaying.cookies["telegate_console_telegram"])
            #expect(try await replaying.get(first).status == 200)
            replaying.cookies["telegate_console"] = nil
            replaying.cookies["telegate_console_telegram"] = pending
            let replayed = try await replaying.get(first)
            #expect(replayed.status == 401 && replayed.body.contains("admin_unauthorized"))
            #expect(replaying.cookies["telegate_console"] == nil)

            let denied = ConsoleBrowserStub(service)
            let started = try await denied.get("/console/login/telegram")
            let deniedState = try #require(TestService.query(of: started.header("Location"))["state"])
            let noCode = try await denied.get("/console/login/telegram/callback?error=access_denied&state=\(deniedState)")
            #expect(noCode.status == 401 && noCode.body.contains("admin_unauthorized"))
            #expect(denied.cookies["telegate_console"] == nil)
        }
    }

    @Test("An admin taken off the list is logged out at the next request")
    func removedFromConfiguration() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = "sqlite://\(directory)/telegate.sqlite"
        var cookies: [String: String] = [:]
        try await Self.run(database: database) { service in
            let browser = ConsoleBrowserStub(service)
            try await Self.logIn(browser, as: Self.alice)
            #expect(try await browser.get("/console/apps").status == 200)
            cookies = browser.cookies
        }
        // Telegate restarted with alice still listed: the session goes on.
        try await Self.run(database: database) { service in
            let browser = ConsoleBrowserStub(service)
            browser.cookies = cookies
            let apps = try await browser.get("/console/apps")
            #expect(apps.status == 200)
        }
        // Restarted with alice taken off the list: her session ends.
        try await Self.run(admins: [Self.standardAdmins[1]], database: database) { service in
            let browser = ConsoleBrowserStub(service)
            browser.cookies = cookies
            let apps = try await browser.get("/console/apps")
            #expect(apps.header("Location") == "/console/login")
        }
    }

    @Test("Without the setting the login page offers no Telegram; with an app that does not exist, app_not_found")
    func offered() async throws {
        try await TestService.run { service in
            let page = try await ConsoleBrowserStub(service).get("/console/login")
            #expect(!page.body.contains("Log in with Telegram"))
            #expect(try await ConsoleBrowserStub(service).get("/console/login/telegram").status == 404)
        }
        try await Self.run(app: "nosuch") { service in
            let browser = ConsoleBrowserStub(service)
            let refused = try await browser.get("/console/login/telegram")
            #expect(refused.status == 404 && refused.body.contains("app_not_found"))
            #expect(browser.cookies["telegate_console_telegram"] == nil)
        }
    }

    @Test("The built-in client is known only to the configured app, and the OP's other clients are unchanged")
    func builtInClient() async throws {
        try await Self.run { service in
            let quiz = try await service.request(
                .get,
                "/apps/quiz/authorize?client_id=telegate-console&response_type=code&scope=openid&redirect_uri="
                    + ConsoleBrowserStub.encoded("\(service.baseURL)/console/login/telegram/callback"))
            #expect(quiz.body.contains("unknown_client"))
            let root = try await service.adminToken(name: "root")
            let clients = try await service.admin(.get, "/apps/poll/clients", token: root)
            #expect(!clients.body.contains("telegate-console"), "never stored, never listed")
        }
    }

    @Test("server.console.telegramLogin is read strictly")
    func configuration() throws {
        let parsed = try ConfigurationFile.parse(
            """
            server:
              console:
                telegramLogin:
                  app: poll
                  admins:
                    - {telegramId: 123, name: alice}
                    - {telegramId: 456, name: bob.r, readOnly: true, app: quiz}
            """)
        let login = try #require(parsed.server.consoleTelegramLogin)
        #expect(login.appID.rawValue == "poll")
        #expect(login.admins == [.init(telegramID: 123, name: "alice"), .init(telegramID: 456, name: "bob.r", readOnly: true, appID: AppID(rawValue: "quiz"))])
        #expect(try ConfigurationFile.parse("server: {port: 8080}").server.consoleTelegramLogin == nil)
        let refused = [
            "{app: poll, admins: [{telegramId: 1, name: a, role: root}]}",
            "{app: poll, admins: [{telegramId: 0, name: a}]}",
            "{app: poll, admins: [{telegramId: -5, name: a}]}",
            "{app: poll, admins: [{telegramId: 1, name: \"a b\"}]}",
            "{app: poll, admins: [{telegramId: 1, name: a}, {telegramId: 1, name: b}]}",
            "{app: poll, admins: [{telegramId: 1, name: a}, {telegramId: 2, name: a}]}",
            "{app: poll, admins: [{name: a}]}",
            "{app: poll, admins: []}",
            "{app: Poll!, admins: [{telegramId: 1, name: a}]}",
            "{admins: [{telegramId: 1, name: a}]}",
            "{app: poll, admins: [{telegramId: 1, name: a, app: \"no such\"}]}",
            "{app: poll, admins: [{telegramId: 1, name: a}], extra: 1}",
        ]
        for login in refused {
            #expect(throws: ConfigurationError.self, "\(login)") {
                try ConfigurationFile.parse("server: {console: {telegramLogin: \(login)}}")
            }
        }
        #expect(throws: ConfigurationError.self) { try ConfigurationFile.parse("server: {console: {other: 1}}") }
    }
}
