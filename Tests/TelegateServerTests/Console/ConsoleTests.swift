import Foundation
import StrictJSON
import TelegateCore
import TelegateTesting
import TelegramAuth
import Testing

/// The admin console through the router: login and its session cookie, the page headers, CSRF and origin checks,
/// read-only tokens, escaping of Telegram's strings, and agreement with the admin API.
@Suite("Admin console")
struct ConsoleTests {
    /// The markup of every `method="post"` form's action on a page.
    static func postActions(_ html: String) -> [String] {
        html.components(separatedBy: "<form ").dropFirst().compactMap { form -> String? in
            guard form.contains("method=\"post\"") else { return nil }
            guard let range = form.range(of: "action=\"") else { return "" }
            return String(form[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    @Test("Login sets a sealed HttpOnly SameSite=Strict session cookie scoped to /console, audited with the token's name")
    func loginCookie() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken(name: "alice")
            let browser = ConsoleBrowserStub(service)
            let reply = try await browser.login(token)
            #expect(reply.header("Location") == "/console")
            let session = try #require(browser.setCookies.last { $0.hasPrefix("telegate_console=") })
            #expect(session.contains("HttpOnly"))
            #expect(session.contains("SameSite=Strict"))
            #expect(session.contains("Path=/console"))
            #expect(!session.contains("Secure"), "http public URL: no Secure flag")
            #expect(!session.contains(token) && !session.contains(String(token.dropFirst(4))), "the token is not in the cookie")
            let apps = try await browser.get("/console/apps")
            #expect(apps.status == 200)
            #expect(apps.body.contains("admin:alice"))
            let audit = try await service.admin(.get, "/audit?limit=5", token: token)
            let login = audit.json["items"]?.arrayElements?.first { $0["action"]?.stringValue == "console.login" }
            #expect(login?["actor"]?.stringValue == "admin:alice")
        }
    }

    @Test("With an https public URL the session cookie is Secure")
    func secureCookie() async throws {
        try await TestService.run(configure: { $0.server.publicURL = "https://auth.example" }) { service in
            let token = try await service.adminToken()
            let browser = ConsoleBrowserStub(service)
            _ = try await browser.get("/console/login")
            let reply = try await browser.post("/console/login", [("token", token)], origin: "https://auth.example")
            #expect(reply.status == 303)
            let session = try #require(browser.setCookies.last { $0.hasPrefix("telegate_console=") })
            #expect(session.contains("Secure") && session.contains("HttpOnly") && session.contains("SameSite=Strict"))
        }
    }

    @Test("Pages carry a CSP without unsafe-inline scripts, frame-ancestors 'none', no-store; assets are small")
    func headers() async throws {
        try await TestService.run { service in
            let browser = ConsoleBrowserStub(service)
            let login = try await browser.get("/console/login")
            #expect(login.status == 200)
            let csp = try #require(login.header("Content-Security-Policy"))
            #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"))
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(login.header("Cache-Control") == "no-store")
            #expect(login.header("X-Frame-Options") == "DENY")
            #expect(!login.body.contains("<script>") && !login.body.contains("style=\""), "no inline script or style")
            let css = try await browser.get("/console/console.css")
            let js = try await browser.get("/console/console.js")
            #expect(css.status == 200 && js.status == 200)
            #expect(css.body.utf8.count + js.body.utf8.count + login.body.utf8.count < 150_000)
        }
    }

    @Test("A form without the CSRF token or from another origin is refused and changes nothing")
    func csrf() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            _ = try await browser.get("/console/apps")
            let missing = try await browser.post("/console/apps", [("id", "nocsrf")], csrf: false)
            #expect(missing.status == 403)
            #expect(missing.body.contains("csrf_mismatch"))
            let wrong = try await browser.post("/console/apps", [("csrf", (browser.csrf.hasPrefix("x") ? "y" : "x") + browser.csrf.dropFirst()), ("id", "wrongcsrf")], csrf: false)
            #expect(wrong.status == 403)
            let foreign = try await browser.post("/console/apps", [("id", "foreign")], origin: "https://evil.example")
            #expect(foreign.status == 403)
            #expect(foreign.body.contains("csrf_mismatch"))
            let crossSite = try await browser.post("/console/apps", [("id", "crosssite")], fetchSite: "cross-site")
            #expect(crossSite.status == 403, "no Origin, but a cross-site fetch")
            let login = try await browser.post("/console/login", [("token", token)], origin: "https://evil.example")
            #expect(login.status == 403)
            for id in ["nocsrf", "wrongcsrf", "foreign", "crosssite"] {
                #expect(try await service.admin(.get, "/apps/\(id)", token: token).status == 404)
            }
            let created = try await browser.post("/console/apps", [("id", "withcsrf")])
            #expect(created.status == 303)
            #expect(try await service.admin(.get, "/apps/withcsrf", token: token).status == 200)
        }
    }

    @Test("Without a session, or once it was idle too long, pages send the browser to the login page")
    func sessionRequired() async throws {
        try await TestService.run { service in
            let browser = ConsoleBrowserStub(service)
            #expect(try await browser.get("/console/apps").header("Location") == "/console/login")
            let token = try await service.adminToken()
            try await browser.login(token)
            #expect(try await browser.get("/console/apps").status == 200)
            service.clock.advance(29 * 60)
            #expect(try await browser.get("/console/apps").status == 200, "used within the idle timeout")
            service.clock.advance(31 * 60)
            #expect(try await browser.get("/console/apps").header("Location") == "/console/login")
        }
    }

    @Test("A revoked token ends its console sessions at once; a wrong token is refused and audited")
    func revokedToken() async throws {
        try await TestService.run { service in
            let root = try await service.adminToken(name: "root")
            let token = try await service.adminToken(name: "temp")
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            let listed = try await service.admin(.get, "/tokens", token: root)
            let id = try #require(listed.json["items"]?.arrayElements?.first { $0["name"]?.stringValue == "temp" }?["id"]?.stringValue)
            #expect(try await service.admin(.delete, "/tokens/\(id)", token: root).status == 204)
            #expect(try await browser.get("/console/apps").header("Location") == "/console/login")
            let other = ConsoleBrowserStub(service)
            _ = try await other.get("/console/login")
            let wrong = try await other.post("/console/login", [("token", "tga_" + String(repeating: "A", count: 43))])
            #expect(wrong.status == 401)
            #expect(wrong.body.contains("admin_unauthorized"))
            #expect(wrong.body.contains("id=\"login-token-error\""), "the error sits next to the token field")
            let audit = try await service.admin(.get, "/audit?limit=5&action=admin.auth_failed", token: root)
            #expect(audit.json["items"]?.arrayElements?.isEmpty == false)
        }
    }

    @Test("A read-only token sees every page but no form (other than logging out)")
    func readOnly() async throws {
        try await TestService.run { service in
            let initData = try service.signedInitData()
            #expect(try await service.exchange(initData: initData).status == 200)
            let root = try await service.adminToken()
            let userID = try #require(
                try await service.admin(.get, "/apps/poll/users", token: root).json["items"]?.arrayElements?.first?["id"]?.stringValue)
            let browser = ConsoleBrowserStub(service)
            try await browser.login(try await service.adminToken(name: "viewer", readOnly: true))
            for path in ["/console/apps", "/console/apps/poll", "/console/apps/poll/users", "/console/apps/poll/users/\(userID)", "/console/audit"] {
                let page = try await browser.get(path)
                #expect(page.status == 200, "\(path)")
                #expect(Self.postActions(page.body) == ["/console/logout"], "\(path): \(Self.postActions(page.body))")
            }
            let refused = try await browser.post("/console/apps", [("id", "sneaky")])
            #expect(refused.status == 403)
            #expect(refused.body.contains("admin_forbidden"))
        }
    }

    @Test("An app-scoped token opens on its app, sees only it, cannot create apps, and gets 404 for another app")
    func appScoped() async throws {
        try await TestService.run { service in
            let browser = ConsoleBrowserStub(service)
            try await browser.login(try await service.adminToken(name: "poll-only", app: "poll"))
            #expect(try await browser.get("/console").header("Location") == "/console/apps/poll")
            let apps = try await browser.get("/console/apps")
            #expect(apps.body.contains("/console/apps/poll\"") && !apps.body.contains("/console/apps/quiz"))
            #expect(!Self.postActions(apps.body).contains("/console/apps"), "no create form")
            #expect(Self.postActions(try await browser.get("/console/apps/poll").body).contains("/console/apps/poll/bots"))
            let other = try await browser.get("/console/apps/quiz")
            #expect(other.status == 404)
            #expect(other.body.contains("app_not_found"))
            #expect(try await browser.get("/console/apps/quiz/users").status == 404)
            let spoofed = try await browser.get("/console/apps/poll?done=bot_added&bot=1%20is%20compromised")
            #expect(spoofed.body.contains("Bot 1 was added") && !spoofed.body.contains("compromised"))
        }
    }

    @Test("Telegram's strings render escaped on every page: the user's first name and username")
    func escaping() async throws {
        try await TestService.run { service in
            let hostile = TelegramUser(id: 4242, firstName: "<img src=x onerror=alert(1)>", username: "\"'><script>")
            let exchange = try await service.exchange(initData: try service.signedInitData(user: hostile))
            #expect(exchange.status == 200, "\(exchange.body)")
            let root = try await service.adminToken()
            let browser = ConsoleBrowserStub(service)
            try await browser.login(root)
            let userID = try #require(
                try await service.admin(.get, "/apps/poll/users?q=4242", token: root).json["items"]?.arrayElements?.first?["id"]?.stringValue)
            for path in ["/console/apps/poll/users", "/console/apps/poll/users?q=4242", "/console/apps/poll/users/\(userID)"] {
                let page = try await browser.get(path)
                #expect(page.status == 200)
                #expect(!page.body.contains("<img src=x"), "\(path)")
                #expect(!page.body.contains("<script>"), "\(path)")
                #expect(!page.body.contains("\"'>"), "\(path)")
                #expect(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"), "\(path)")
                #expect(page.body.contains("@&quot;&#39;&gt;&lt;script&gt;"), "\(path)")
            }
        }
    }

    @Test("Console changes show in the admin API and admin API changes in the console; both audited as the token")
    func agreement() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken(name: "ops")
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            _ = try await browser.get("/console/apps")
            let created = try await browser.post(
                "/console/apps", [("id", "shop"), ("cors_origins", "https://shop.example, https://m.shop.example")])
            #expect(created.header("Location") == "/console/apps/shop?done=created", "\(created.status) \(created.body)")
            let app = try await service.admin(.get, "/apps/shop", token: token)
            #expect(app.json["corsOrigins"] == .array([.string("https://shop.example"), .string("https://m.shop.example")]))

            _ = try await service.admin(.patch, "/apps/shop", body: .object([("initDataMaxAge", .integer(777))]), token: token)
            let page = try await browser.get("/console/apps/shop")
            #expect(page.body.contains("value=\"777\""))

            let botToken = "7000000042:AAconsoleBotSecretValue0123456789abcd"
            service.rememberSecrets([botToken])
            let added = try await browser.post("/console/apps/shop/bots", [("token", botToken), ("label", "prod")])
            #expect(added.header("Location") == "/console/apps/shop?done=bot_added&bot=7000000042")
            let shown = try await browser.get("/console/apps/shop?done=bot_added&bot=7000000042")
            #expect(shown.body.contains("Bot 7000000042 was added"))
            #expect(!shown.body.contains(botToken) && !shown.body.contains("AAconsoleBotSecret"), "the token is never shown")
            let bots = try await service.admin(.get, "/apps/shop/bots", token: token)
            #expect(bots.json["items"]?.arrayElements?.first?["id"]?.integerValue == 7_000_000_042)

            let removed = try await browser.post("/console/apps/shop/bots/7000000042/remove")
            #expect(removed.status == 303)
            #expect(try await service.admin(.get, "/apps/shop/bots", token: token).json["items"]?.arrayElements?.isEmpty == true)

            let audit = try await service.admin(.get, "/audit?app=shop&actor=admin:ops", token: token)
            let actions = audit.json["items"]?.arrayElements?.compactMap { $0["action"]?.stringValue } ?? []
            #expect(actions == ["bot.removed", "bot.added", "app.updated", "app.created"], "\(actions)")
            let consoleAudit = try await browser.get("/console/audit?app=shop&actor=admin:ops&action=bot.added")
            #expect(consoleAudit.body.contains("bot:7000000042"))
            #expect(!consoleAudit.body.contains("app:shop"), "filtered by action")

            let mismatch = try await browser.post("/console/apps/shop/delete", [("confirm", "shopp")])
            #expect(mismatch.status == 422)
            #expect(mismatch.body.contains("id=\"delete-app-confirm-error\""))
            #expect(try await service.admin(.get, "/apps/shop", token: token).status == 200)
            let deleted = try await browser.post("/console/apps/shop/delete", [("confirm", "shop")])
            #expect(deleted.header("Location") == "/console/apps?done=deleted")
            #expect(try await service.admin(.get, "/apps/shop", token: token).status == 404)
        }
    }

    @Test("The admin layer's errors appear next to the field they concern, with their code")
    func fieldErrors() async throws {
        try await TestService.run { service in
            let browser = ConsoleBrowserStub(service)
            try await browser.login(try await service.adminToken())
            _ = try await browser.get("/console/apps")
            let bad = try await browser.post("/console/apps", [("id", "poll")])
            #expect(bad.status == 409)
            #expect(bad.body.contains("app_exists"))
            let age = try await browser.post("/console/apps/poll", [("init_data_max_age", "5")])
            #expect(age.status == 422)
            #expect(age.body.contains("id=\"settings-init_data_max_age-error\""), "\(age.body)")
            let botToken = try await browser.post("/console/apps/poll/bots", [("token", "123:short")])
            #expect(botToken.body.contains("invalid_bot_token"))
            #expect(!botToken.body.contains("123:short"), "a secret is not filled back in")
        }
    }

    @Test("Users: found by Telegram id, username or local id; disabled in the console, refused at the next exchange")
    func users() async throws {
        try await TestService.run { service in
            let initData = try service.signedInitData()
            #expect(try await service.exchange(initData: initData).status == 200)
            let token = try await service.adminToken(name: "support")
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            let empty = try await browser.get("/console/apps/quiz/users")
            #expect(empty.body.contains("No users yet"))
            let byID = try await browser.get("/console/apps/poll/users?q=279058397")
            let userID = try #require(
                byID.body.components(separatedBy: "/console/apps/poll/users/").dropFirst().first?.prefix { $0 != "\"" })
            #expect(userID.hasPrefix("usr_"))
            #expect(try await browser.get("/console/apps/poll/users?q=%40vdkfrost").body.contains(String(userID)))
            #expect(try await browser.get("/console/apps/poll/users?q=\(userID)").body.contains("@vdkfrost"))
            let profile = try await browser.get("/console/apps/poll/users/\(userID)")
            #expect(profile.body.contains("Vladislav"))
            let disabled = try await browser.post("/console/apps/poll/users/\(userID)/disable")
            #expect(disabled.status == 303)
            #expect(try await service.admin(.get, "/apps/poll/users/\(userID)", token: token).json["status"]?.stringValue == "disabled")
            #expect(try await service.exchange(initData: try service.signedInitData()).status == 403)
            _ = try await service.admin(.post, "/apps/poll/users/\(userID)/enable", token: token)
            #expect(try await browser.get("/console/apps/poll/users/\(userID)").body.contains("Disable user"))
            let erased = try await browser.post("/console/apps/poll/users/\(userID)/erase", [("confirm", String(userID))])
            #expect(erased.header("Location") == "/console/apps/poll/users?done=erased")
            #expect(try await service.admin(.get, "/apps/poll/users/\(userID)", token: token).status == 404)
        }
    }
}
