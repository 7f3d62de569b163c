import Foundation
import StrictJSON
import TelegateCore
import TelegateTesting
import Testing

/// The console's OAuth client and webhook pages through the router: generated secrets shown once (only on the page
/// answering the form), agreement with the admin API both ways, replays with the API's effect, CSRF refusals,
/// read-only tokens and escaping.
@Suite("Admin console: OAuth clients and webhooks")
struct ConsoleClientWebhookTests {
    static let callback = "https://site.example/oidc/callback"
    static let hostile = "<img src=x onerror=alert(1)>"

    /// The value of the read-only input `id` on a page (a secret shown once).
    static func shown(_ html: String, id: String) -> String? {
        guard let input = html.range(of: "id=\"\(id)\" value=\"") else { return nil }
        return String(html[input.upperBound...].prefix { $0 != "\"" })
    }

    /// Every page (and every header of its answer) a browser gets after a secret was shown.
    static func later(_ browser: ConsoleBrowserStub, _ paths: [String]) async throws -> String {
        var everything = ""
        for path in paths {
            let reply = try await browser.get(path)
            #expect(reply.status == 200, "\(path)")
            everything += reply.body + reply.headers.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
        }
        return everything
    }

    @Test("A client secret is shown once, on the page answering the form that created or rotated it, never afterwards")
    func clientSecretShownOnce() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken(name: "ops")
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            _ = try await browser.get("/console/apps/poll/clients")
            let created = try await browser.post(
                "/console/apps/poll/clients",
                [("id", "web"), ("redirect_uris", Self.callback), ("scopes", "openid profile")])
            #expect(created.status == 200, "\(created.body)")
            #expect(created.header("Location") == nil)
            let secret = try #require(Self.shown(created.body, id: "client-secret"))
            service.rememberSecrets([secret])
            #expect(secret.count == 43)
            #expect(created.body.contains("it is not shown again"))
            #expect(!browser.setCookies.contains { $0.contains(secret) }, "never in a cookie")

            let client = try await service.admin(.get, "/apps/poll/clients/web", token: token)
            #expect(client.json["redirectURIs"] == .array([.string(Self.callback)]))
            #expect(client.json["scopes"] == .array([.string("openid"), .string("profile")]))
            #expect(client.json["hasSecret"] == .bool(true))

            let rotated = try await browser.post("/console/apps/poll/clients/web/secret")
            #expect(rotated.status == 200, "\(rotated.body)")
            let second = try #require(Self.shown(rotated.body, id: "client-secret"))
            service.rememberSecrets([second])
            #expect(second != secret)
            let audit = try await service.admin(.get, "/audit?action=client.secret_rotated&actor=admin:ops", token: token)
            #expect(audit.json["items"]?.arrayElements?.count == 1)

            let everything = try await Self.later(
                browser, ["/console/apps/poll/clients", "/console/apps/poll/clients/web", "/console/audit", "/console/apps/poll"])
            #expect(!everything.contains(secret) && !everything.contains(second))
            #expect(!everything.contains("id=\"client-secret\""))
            #expect(!browser.setCookies.contains { $0.contains(second) })
        }
    }

    @Test("A webhook's signing secret is shown once after adding and after rotating; the endpoint agrees with the API")
    func webhookSecretShownOnce() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken(name: "ops")
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            _ = try await browser.get("/console/apps/poll/webhooks")
            let created = try await browser.post(
                "/console/apps/poll/webhooks",
                [("url", "https://site.example/hooks"), ("event_user_created", "on"), ("event_user_erased", "on"),
                 ("description", "site")])
            #expect(created.status == 200, "\(created.body)")
            let secret = try #require(Self.shown(created.body, id: "webhook-secret"))
            service.rememberSecrets([secret])
            #expect(secret.hasPrefix("whsec_"))
            let listed = try await service.admin(.get, "/apps/poll/webhooks", token: token)
            let endpoint = try #require(listed.json["items"]?.arrayElements?.first)
            let id = try #require(endpoint["id"]?.stringValue)
            #expect(endpoint["events"] == .array([.string("user.created"), .string("user.erased")]))
            #expect(endpoint["description"] == .string("site"))

            let rotated = try await browser.post("/console/apps/poll/webhooks/\(id)/secret")
            let second = try #require(Self.shown(rotated.body, id: "webhook-secret"))
            service.rememberSecrets([second])
            #expect(second != secret)
            #expect(try await service.admin(.get, "/apps/poll/webhooks/\(id)", token: token).json["previousSecretExpiresAt"] != nil)

            let everything = try await Self.later(
                browser, ["/console/apps/poll/webhooks", "/console/apps/poll/webhooks/\(id)", "/console/audit"])
            #expect(!everything.contains(secret) && !everything.contains(second))
            #expect(!browser.setCookies.contains { $0.contains(secret) || $0.contains(second) })

            let saved = try await browser.post(
                "/console/apps/poll/webhooks/\(id)",
                [("url", "https://site.example/hooks/v2"), ("event_user_login", "on"), ("description", "site v2")])
            #expect(saved.header("Location") == "/console/apps/poll/webhooks/\(id)?done=updated", "\(saved.body)")
            let changed = try await service.admin(.get, "/apps/poll/webhooks/\(id)", token: token)
            #expect(changed.json["url"] == .string("https://site.example/hooks/v2"))
            #expect(changed.json["events"] == .array([.string("user.login")]))
            let none = try await browser.post("/console/apps/poll/webhooks/\(id)", [("url", "https://site.example/hooks")])
            #expect(none.status == 422)
            #expect(none.body.contains("id=\"webhook-settings-events-error\""), "the error sits by the event checkboxes")
        }
    }

    @Test("Clients and endpoints added through the admin API show in the console; removing in the console removes them")
    func apiToConsole() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let client = try await service.admin(
                .post, "/apps/poll/clients",
                body: .object([("id", .string("spa")), ("public", .bool(true)), ("redirectURIs", .array([.string(Self.callback)]))]),
                token: token)
            #expect(client.status == 201, "\(client.body)")
            let webhook = try await service.admin(
                .post, "/apps/poll/webhooks",
                body: .object([
                    ("url", .string("https://api.example/hooks")), ("events", .array([.string("user.disabled")])),
                    ("description", .string("from the api")),
                ]), token: token)
            service.rememberSecrets([webhook.json["secret"]?.stringValue ?? ""])
            let id = try #require(webhook.json["id"]?.stringValue)
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)

            let clients = try await browser.get("/console/apps/poll/clients")
            #expect(clients.body.contains("/console/apps/poll/clients/spa\"") && clients.body.contains("public"))
            #expect(clients.body.contains(Self.callback))
            let spa = try await browser.get("/console/apps/poll/clients/spa")
            #expect(!ConsoleTests.postActions(spa.body).contains("/console/apps/poll/clients/spa/secret"), "a public client has no secret")
            let hooks = try await browser.get("/console/apps/poll/webhooks")
            #expect(hooks.body.contains("from the api") && hooks.body.contains("https://api.example/hooks"))
            let page = try await browser.get("/console/apps/poll/webhooks/\(id)")
            #expect(page.body.contains("id=\"webhook-settings-event_user_disabled\" name=\"event_user_disabled\" value=\"on\" checked"))
            #expect(page.body.contains("No deliveries yet"))

            let mismatch = try await browser.post("/console/apps/poll/clients/spa/delete", [("confirm", "sp")])
            #expect(mismatch.status == 422)
            #expect(mismatch.body.contains("id=\"remove-client-confirm-error\""))
            let removed = try await browser.post("/console/apps/poll/clients/spa/delete", [("confirm", "spa")])
            #expect(removed.header("Location") == "/console/apps/poll/clients?done=removed")
            #expect(try await service.admin(.get, "/apps/poll/clients/spa", token: token).status == 404)
            let gone = try await browser.post("/console/apps/poll/webhooks/\(id)/delete", [("confirm", id)])
            #expect(gone.header("Location") == "/console/apps/poll/webhooks?done=removed")
            #expect(try await service.admin(.get, "/apps/poll/webhooks/\(id)", token: token).status == 404)
        }
    }

    @Test("A test event and replays from the console reach the receiver again with the same webhook-id, as the API's do")
    func replay() async throws {
        let receiver = WebhookDeliveryTests.Receiver()
        try await LoopbackServer.serving({ receiver.router() }) { base in
            try await TestService.run { service in
                let token = try await service.adminToken(name: "ops")
                let browser = ConsoleBrowserStub(service)
                try await browser.login(token)
                _ = try await browser.get("/console/apps/poll/webhooks")
                let created = try await browser.post(
                    "/console/apps/poll/webhooks",
                    [("url", base + "/hooks"), ("event_user_created", "on"), ("allow_insecure_loopback", "on")])
                #expect(created.status == 200, "\(created.body)")
                service.rememberSecrets([Self.shown(created.body, id: "webhook-secret") ?? ""])
                let id = try #require(
                    try await service.admin(.get, "/apps/poll/webhooks", token: token).json["items"]?.arrayElements?.first?["id"]?
                        .stringValue)
                let deliveries = "/apps/poll/webhooks/\(id)/deliveries"

                let tested = try await browser.post("/console/apps/poll/webhooks/\(id)/test")
                let location = try #require(tested.header("Location"))
                #expect(location.hasPrefix("/console/apps/poll/webhooks/\(id)?done=tested&event=evt_"), "\(location)")
                let event = String(location.split(separator: "=").last ?? "")
                #expect(
                    try await WebhookDeliveryTests.deliver(service) {
                        let listed = try await service.admin(.get, deliveries, token: token)
                        return listed.json["items"]?.arrayElements?.first?["status"] == .string("delivered")
                    })
                #expect(receiver.requests.withLock { $0.count } == 1)

                let page = try await browser.get("/console/apps/poll/webhooks/\(id)")
                #expect(page.body.contains("<code>\(event)</code>") && page.body.contains("delivered"))
                let one = try await browser.post("/console/apps/poll/webhooks/\(id)/deliveries/\(event)/replay")
                #expect(one.header("Location") == "/console/apps/poll/webhooks/\(id)?done=replayed&count=1#deliveries")
                #expect(
                    try await WebhookDeliveryTests.deliver(service) {
                        guard receiver.requests.withLock({ $0.count }) == 2 else { return false }
                        let listed = try await service.admin(.get, deliveries, token: token)
                        return listed.json["items"]?.arrayElements?.first?["status"] == .string("delivered")
                    })
                #expect(receiver.requests.withLock { $0.map { $0.headers["webhook-id"] } } == [event, event])

                let range = try await browser.post("/console/apps/poll/webhooks/\(id)/replay", [("hours", "1")])
                #expect(range.header("Location") == "/console/apps/poll/webhooks/\(id)?done=replayed&count=1#deliveries")
                #expect(try await WebhookDeliveryTests.deliver(service) { receiver.requests.withLock { $0.count } == 3 })
                let refused = try await browser.post("/console/apps/poll/webhooks/\(id)/replay", [("hours", "0")])
                #expect(refused.status == 422)
                #expect(refused.body.contains("id=\"replay-range-hours-error\""))

                let audit = try await service.admin(.get, "/audit?action=webhook.replayed&actor=admin:ops", token: token)
                #expect(audit.json["items"]?.arrayElements?.count == 2)
                let tests = try await service.admin(.get, "/audit?action=webhook.tested&actor=admin:ops", token: token)
                #expect(tests.json["items"]?.arrayElements?.count == 1)
            }
        }
    }

    @Test("Disabling an endpoint in the console shows in the API (disabledReason admin); enabling it through the API shows in the console")
    func enableDisable() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken(name: "ops")
            let webhook = try await service.admin(
                .post, "/apps/poll/webhooks",
                body: .object([("url", .string("https://site.example/hooks")), ("events", .array([.string("user.created")]))]),
                token: token)
            service.rememberSecrets([webhook.json["secret"]?.stringValue ?? ""])
            let id = try #require(webhook.json["id"]?.stringValue)
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            #expect(ConsoleTests.postActions(try await browser.get("/console/apps/poll/webhooks/\(id)").body).contains(
                "/console/apps/poll/webhooks/\(id)/disable"))
            let off = try await browser.post("/console/apps/poll/webhooks/\(id)/disable")
            #expect(off.header("Location") == "/console/apps/poll/webhooks/\(id)?done=disabled", "\(off.body)")
            let disabled = try await service.admin(.get, "/apps/poll/webhooks/\(id)", token: token)
            #expect(disabled.json["disabledReason"] == .string("admin"))
            #expect(disabled.json["disabledAt"] == .integer(service.clock.now))
            let page = try await browser.get("/console/apps/poll/webhooks/\(id)")
            #expect(page.body.contains("disabled since") && page.body.contains("(admin)"))
            #expect(ConsoleTests.postActions(page.body).contains("/console/apps/poll/webhooks/\(id)/enable"))

            let on = try await service.admin(
                .patch, "/apps/poll/webhooks/\(id)", body: .object([("enabled", .bool(true))]), token: token)
            #expect(on.status == 200, "\(on.body)")
            #expect(on.json["disabledAt"] == nil)
            let enabled = try await browser.get("/console/apps/poll/webhooks/\(id)")
            #expect(!enabled.body.contains("disabled since"))
            #expect(ConsoleTests.postActions(enabled.body).contains("/console/apps/poll/webhooks/\(id)/disable"))
            let audit = try await service.admin(.get, "/audit?action=webhook.updated&actor=admin:ops", token: token)
            #expect(audit.json["items"]?.arrayElements?.count == 2)
        }
    }

    @Test("Every new form is refused without the CSRF token or from another origin, and changes nothing")
    func csrf() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let webhook = try await service.admin(
                .post, "/apps/poll/webhooks",
                body: .object([("url", .string("https://site.example/hooks")), ("events", .array([.string("user.created")]))]),
                token: token)
            service.rememberSecrets([webhook.json["secret"]?.stringValue ?? ""])
            let id = try #require(webhook.json["id"]?.stringValue)
            let client = try await service.admin(
                .post, "/apps/poll/clients",
                body: .object([("id", .string("web")), ("redirectURIs", .array([.string(Self.callback)]))]), token: token)
            service.rememberSecrets([client.json["clientSecret"]?.stringValue ?? ""])
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            _ = try await browser.get("/console/apps/poll/webhooks/\(id)")
            let before = try await service.admin(.get, "/audit?limit=100", token: token).json["items"]?.arrayElements?.count
            let forms: [(String, [(String, String)])] = [
                ("/console/apps/poll/clients", [("id", "sneaky"), ("redirect_uris", Self.callback)]),
                ("/console/apps/poll/clients/web", [("redirect_uris", "https://evil.example/cb")]),
                ("/console/apps/poll/clients/web/secret", []),
                ("/console/apps/poll/clients/web/delete", [("confirm", "web")]),
                ("/console/apps/poll/webhooks", [("url", "https://evil.example/h"), ("event_user_created", "on")]),
                ("/console/apps/poll/webhooks/\(id)", [("url", "https://evil.example/h"), ("event_user_created", "on")]),
                ("/console/apps/poll/webhooks/\(id)/secret", []),
                ("/console/apps/poll/webhooks/\(id)/test", []),
                ("/console/apps/poll/webhooks/\(id)/disable", []),
                ("/console/apps/poll/webhooks/\(id)/replay", [("hours", "1")]),
                ("/console/apps/poll/webhooks/\(id)/deliveries/evt_01JZZZZZZZZZZZZZZZZZZZZZZZ/replay", []),
                ("/console/apps/poll/webhooks/\(id)/delete", [("confirm", id)]),
            ]
            for (path, given) in forms {
                // A form with no fields of its own still sends one, so that only the token is missing.
                let fields = given.isEmpty ? [("go", "1")] : given
                let missing = try await browser.post(path, fields, csrf: false)
                #expect(missing.status == 403 && missing.body.contains("csrf_mismatch"), "\(path)")
                let foreign = try await browser.post(path, fields, origin: "https://evil.example")
                #expect(foreign.status == 403 && foreign.body.contains("csrf_mismatch"), "\(path)")
            }
            let after = try await service.admin(.get, "/audit?limit=100", token: token).json["items"]?.arrayElements?.count
            #expect(before == after, "nothing was done")
            #expect(try await service.admin(.get, "/apps/poll/clients/sneaky", token: token).status == 404)
            #expect(try await service.admin(.get, "/apps/poll/webhooks", token: token).json["items"]?.arrayElements?.count == 1)
        }
    }

    @Test("A read-only token sees the client and webhook pages but no form")
    func readOnly() async throws {
        try await TestService.run { service in
            let root = try await service.adminToken()
            let webhook = try await service.admin(
                .post, "/apps/poll/webhooks",
                body: .object([("url", .string("https://site.example/hooks")), ("events", .array([.string("user.created")]))]),
                token: root)
            service.rememberSecrets([webhook.json["secret"]?.stringValue ?? ""])
            let id = try #require(webhook.json["id"]?.stringValue)
            _ = try await service.admin(.post, "/apps/poll/webhooks/\(id)/test", token: root)
            let client = try await service.admin(
                .post, "/apps/poll/clients",
                body: .object([("id", .string("web")), ("redirectURIs", .array([.string(Self.callback)]))]), token: root)
            service.rememberSecrets([client.json["clientSecret"]?.stringValue ?? ""])
            let browser = ConsoleBrowserStub(service)
            try await browser.login(try await service.adminToken(name: "viewer", readOnly: true))
            let app = try await browser.get("/console/apps/poll")
            #expect(app.body.contains("/console/apps/poll/clients\"") && app.body.contains("/console/apps/poll/webhooks\""))
            for path in [
                "/console/apps/poll/clients", "/console/apps/poll/clients/web", "/console/apps/poll/webhooks",
                "/console/apps/poll/webhooks/\(id)", "/console/apps/poll/webhooks/\(id)?status=pending",
            ] {
                let page = try await browser.get(path)
                #expect(page.status == 200, "\(path)")
                #expect(ConsoleTests.postActions(page.body) == ["/console/logout"], "\(path): \(ConsoleTests.postActions(page.body))")
            }
            #expect(try await browser.get("/console/apps/poll/webhooks/\(id)").body.contains("<code>evt_"))
            let refused = try await browser.post("/console/apps/poll/webhooks/\(id)/test")
            #expect(refused.status == 403)
            #expect(refused.body.contains("admin_forbidden"))
        }
    }

    @Test("Hostile strings render escaped: a webhook description, and a client id typed into a refused form")
    func escaping() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let webhook = try await service.admin(
                .post, "/apps/poll/webhooks",
                body: .object([
                    ("url", .string("https://site.example/hooks")), ("events", .array([.string("user.created")])),
                    ("description", .string(Self.hostile)),
                ]), token: token)
            service.rememberSecrets([webhook.json["secret"]?.stringValue ?? ""])
            let id = try #require(webhook.json["id"]?.stringValue)
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            var pages: [String] = []
            for path in ["/console/apps/poll/webhooks", "/console/apps/poll/webhooks/\(id)"] {
                pages.append(try await browser.get(path).body)
            }
            let refused = try await browser.post(
                "/console/apps/poll/clients", [("id", Self.hostile), ("redirect_uris", "\"'><script>")])
            #expect(refused.status == 422, "\(refused.body)")
            pages.append(refused.body)
            for page in pages {
                #expect(!page.contains("<img src=x"))
                #expect(!page.contains("<script>"))
                #expect(!page.contains("\"'>"))
            }
            #expect(pages.allSatisfy { $0.contains("&lt;img src=x onerror=alert(1)&gt;") })
            #expect(pages[2].contains("&quot;&#39;&gt;&lt;script&gt;"))
        }
    }
}
