import ClerkSimulator
import Foundation
import StrictJSON
import TelegateCore
import TelegateTesting
import Testing

@testable import TelegateServer

/// The console's adapter pages (forms generated from each kind's config schema, write-only secrets, "Test
/// connection" against the Clerk simulator) and bots added by id, through the router.
@Suite("Admin console: adapters and bots")
struct ConsoleAdapterTests {
    static let secretKey = "sk_test_consoleClerkSecretKeyValue0123456789"

    /// A browser signed in with a fresh token, an app `shop`, and the token.
    private static func signedIn(_ service: TestService) async throws -> (ConsoleBrowserStub, String) {
        let token = try await service.adminToken(name: "ops")
        #expect(try await service.admin(.post, "/apps", body: .object([("id", .string("shop"))]), token: token).status == 201)
        let browser = ConsoleBrowserStub(service)
        try await browser.login(token)
        return (browser, token)
    }

    /// A file holding `value`, for a `file:` secret reference, removed after `body`.
    private static func withSecretFile(_ value: String, _ body: (String) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clerk-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(value.utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await body(path)
    }

    @Test("The add form has an input per field of the Clerk kind's schema, typed, with its default and description")
    func generatedForm() async throws {
        try await TestService.run { service in
            let (browser, token) = try await Self.signedIn(service)
            let kinds = try await service.admin(.get, "/adapter-kinds", token: token)
            let clerk = try #require(kinds.json["items"]?.arrayElements?.first { $0["kind"]?.stringValue == "clerk" })
            let page = try await browser.get("/console/apps/shop/adapters?kind=clerk")
            #expect(page.status == 200)
            let fields = clerk["config"]?.arrayElements ?? []
            #expect(fields.count >= 8)
            for field in fields {
                let name = try #require(field["name"]?.stringValue)
                let input = ConsoleAdapterForm.formName(name)
                #expect(page.body.contains("name=\"\(input)\""), "\(name)")
                #expect(page.body.contains(ConsoleMarkup.text(field["description"]?.stringValue ?? "")), "\(name)")
            }
            #expect(page.body.contains("type=\"password\" id=\"add-adapter-config_secret_key\" name=\"config_secret_key\""))
            #expect(page.body.contains("name=\"config_secret_key\" aria-describedby=\"add-adapter-config_secret_key-hint\" required"))
            #expect(page.body.contains("type=\"url\" id=\"add-adapter-config_api_url\""))
            #expect(page.body.contains("placeholder=\"https://api.clerk.com\""))
            #expect(page.body.contains("placeholder=\"120\"") && page.body.contains("min=\"10\" max=\"600\""))
            #expect(page.body.contains("<option value=\"2026-05-12\" selected>"))
            #expect(page.body.contains("type=\"checkbox\" id=\"add-adapter-config_sync_profile\""))
            #expect(page.body.contains("name=\"config_sync_profile\" aria-describedby=\"add-adapter-config_sync_profile-hint\" value=\"on\" checked"))
            #expect(page.body.contains("placeholder=\"{&quot;public&quot;:[&quot;telegram_id&quot;"), "metadata as JSON")
            let chooser = try await browser.get("/console/apps/shop/adapters")
            #expect(chooser.body.contains("No adapters yet"))
            #expect(chooser.body.contains("href=\"/console/apps/shop/adapters?kind=clerk#add\""))
            #expect(try await browser.get("/console/apps/shop").body.contains("href=\"/console/apps/shop/adapters\""))
        }
    }

    @Test("A secret reference is never rendered back; saving the edit form without it keeps it")
    func secretWriteOnly() async throws {
        try await Self.withSecretFile(Self.secretKey) { path in
            try await TestService.run { service in
                service.rememberSecrets([Self.secretKey])
                let (browser, token) = try await Self.signedIn(service)
                let reference = "file:" + path
                let config = JSONValue.object([("secretKey", .string(reference)), ("ticketTTL", .integer(90))])
                let added = try await service.admin(
                    .post, "/apps/shop/adapters",
                    body: .object([("name", .string("clerk")), ("kind", .string("clerk")), ("config", config)]), token: token)
                #expect(added.status == 201, "\(added.body)")
                let page = try await browser.get("/console/apps/shop/adapters/clerk")
                #expect(page.status == 200)
                #expect(!page.body.contains(path), "the reference is write-only")
                #expect(!page.body.contains(String(Self.secretKey.suffix(8))))
                #expect(page.body.contains("set (write-only)"))
                #expect(page.body.contains("value=\"90\""), "a non-secret value is filled in")
                #expect(page.body.contains("leave empty to keep the current one"))
                let saved = try await browser.post(
                    "/console/apps/shop/adapters/clerk", [("config_ticket_ttl", "200"), ("config_secret_key", "")])
                #expect(saved.header("Location") == "/console/apps/shop/adapters/clerk?done=updated", "\(saved.status) \(saved.body)")
                let adapter = try await service.admin(.get, "/apps/shop/adapters/clerk", token: token).json
                #expect(adapter["config"]?["ticketTTL"]?.integerValue == 200)
                #expect(adapter["config"]?["secretKey"]?["reference"]?.stringValue == reference, "\(adapter)")
                #expect(!(try await browser.get("/console/apps/shop/adapters/clerk")).body.contains(path))
            }
        }
    }

    @Test("A Clerk adapter added in the console shows in the admin API and the reverse; Test connection shows the check's result")
    func addAndCheck() async throws {
        try await ClerkSimulator(settings: ClerkInstanceSettings(secretKey: Self.secretKey)).serving { simulatorURL in
            try await Self.withSecretFile(Self.secretKey) { keyFile in
                try await Self.withSecretFile("sk_test_wrongConsoleKeyValue0123456789") { wrongFile in
                    try await TestService.run { service in
                        service.rememberSecrets([Self.secretKey])
                        let (browser, token) = try await Self.signedIn(service)
                        _ = try await browser.get("/console/apps/shop/adapters?kind=clerk")
                        let added = try await browser.post(
                            "/console/apps/shop/adapters",
                            [
                                ("kind", "clerk"), ("name", "clerk"), ("default", "on"), ("config_secret_key", "file:" + keyFile),
                                ("config_api_url", simulatorURL), ("config_api_version", "2026-05-12"),
                                ("config_allow_insecure_loopback", "on"), ("config_sync_profile", "on"),
                                ("config_skip_user_requirement", "on"),
                            ])
                        #expect(added.header("Location") == "/console/apps/shop/adapters/clerk?done=added", "\(added.status) \(added.body)")
                        let app = try await service.admin(.get, "/apps/shop", token: token).json
                        let adapter = try #require(app["adapters"]?.arrayElements?.first { $0["name"]?.stringValue == "clerk" })
                        #expect(adapter["kind"]?.stringValue == "clerk")
                        #expect(adapter["default"] == .bool(true))
                        #expect(adapter["config"]?["apiURL"]?.stringValue == simulatorURL)

                        let checked = try await browser.post("/console/apps/shop/adapters/clerk/check")
                        #expect(checked.status == 200)
                        #expect(checked.body.contains("id=\"check-result\" role=\"status\">Connection ok"), "\(checked.body)")

                        let patched = try await service.admin(
                            .patch, "/apps/shop/adapters/clerk", body: .object([("config", .object([("ticketTTL", .integer(321))]))]),
                            token: token)
                        #expect(patched.status == 200)
                        #expect(try await browser.get("/console/apps/shop/adapters/clerk").body.contains("value=\"321\""))

                        let wrong = try await service.admin(
                            .post, "/apps/shop/adapters",
                            body: .object([
                                ("name", .string("wrongkey")), ("kind", .string("clerk")),
                                (
                                    "config",
                                    .object([
                                        ("secretKey", .string("file:" + wrongFile)), ("apiURL", .string(simulatorURL)),
                                        ("allowInsecureLoopback", .bool(true)),
                                    ])
                                ),
                            ]), token: token)
                        #expect(wrong.status == 201)
                        let failed = try await browser.post("/console/apps/shop/adapters/wrongkey/check")
                        #expect(failed.body.contains("id=\"check-result\" role=\"alert\">Connection failed"), "\(failed.body)")
                        let list = try await browser.get("/console/apps/shop/adapters")
                        #expect(list.body.contains("/console/apps/shop/adapters/wrongkey"))

                        #expect(try await browser.post("/console/apps/shop/adapters/wrongkey/default").status == 303)
                        #expect(try await service.admin(.get, "/apps/shop/adapters/wrongkey", token: token).json["default"] == .bool(true))
                        #expect(try await browser.post("/console/apps/shop/adapters/wrongkey/remove").status == 303)
                        #expect(try await service.admin(.get, "/apps/shop/adapters/wrongkey", token: token).status == 404)
                        let audit = try await service.admin(.get, "/audit?app=shop&actor=admin:ops", token: token)
                        let actions = audit.json["items"]?.arrayElements?.compactMap { $0["action"]?.stringValue } ?? []
                        #expect(actions.contains("adapter.added") && actions.contains("adapter.checked"), "\(actions)")
                    }
                }
            }
        }
    }

    @Test("A refused adapter form shows the error next to the field the admin layer names; typed text stays escaped")
    func fieldErrors() async throws {
        try await TestService.run { service in
            let (browser, token) = try await Self.signedIn(service)
            _ = try await browser.get("/console/apps/shop/adapters?kind=clerk")
            let range = try await browser.post(
                "/console/apps/shop/adapters",
                [("kind", "clerk"), ("name", "clerk"), ("config_secret_key", "env:X"), ("config_ticket_ttl", "5")])
            #expect(range.status == 422)
            #expect(range.body.contains("id=\"add-adapter-config_ticket_ttl-error\""), "\(range.body)")
            #expect(range.body.contains("invalid_config"))
            #expect(!range.body.contains("env:X"), "a secret field is not filled back in")
            let missing = try await browser.post("/console/apps/shop/adapters", [("kind", "clerk"), ("name", "clerk")])
            #expect(missing.body.contains("id=\"add-adapter-config_secret_key-error\""), "\(missing.body)")
            let hostile = try await browser.post(
                "/console/apps/shop/adapters",
                [("kind", "clerk"), ("name", "\"><script>alert(1)</script>"), ("config_secret_key", "env:X")])
            #expect(hostile.status >= 400)
            #expect(!hostile.body.contains("<script>alert(1)"))
            #expect(hostile.body.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
            let json = try await browser.post(
                "/console/apps/shop/adapters",
                [("kind", "clerk"), ("name", "clerk"), ("config_secret_key", "env:X"), ("config_metadata", "[1")])
            #expect(json.body.contains("id=\"add-adapter-config_metadata-error\""), "\(json.body)")
            #expect(try await service.admin(.get, "/apps/shop/adapters", token: token).json["items"]?.arrayElements?.isEmpty == true)
        }
    }

    @Test("Adapter forms without the CSRF token or from another origin are refused and change nothing")
    func csrf() async throws {
        try await TestService.run { service in
            let (browser, token) = try await Self.signedIn(service)
            _ = try await browser.get("/console/apps/poll/adapters/convex")
            let fields = [("kind", "oidc"), ("name", "sneaky"), ("config_audience", "x"), ("config_algorithm", "ES256")]
            let missing = try await browser.post("/console/apps/poll/adapters", fields, csrf: false)
            #expect(missing.status == 403 && missing.body.contains("csrf_mismatch"))
            let foreign = try await browser.post("/console/apps/poll/adapters", fields, origin: "https://evil.example")
            #expect(foreign.status == 403 && foreign.body.contains("csrf_mismatch"))
            for action in ["supabase/default", "supabase/remove", "supabase/check", "supabase"] {
                let refused = try await browser.post("/console/apps/poll/adapters/\(action)", [("config_audience", "x")], csrf: false)
                #expect(refused.status == 403, "\(action)")
            }
            let adapters = try await service.admin(.get, "/apps/poll/adapters", token: token).json["items"]?.arrayElements ?? []
            #expect(adapters.compactMap { $0["name"]?.stringValue } == ["convex", "supabase"])
            #expect(adapters.first { $0["name"]?.stringValue == "supabase" }?["config"]?["audience"]?.stringValue == "authenticated")
            #expect(adapters.first { $0["name"]?.stringValue == "convex" }?["default"] == .bool(true))
        }
    }

    @Test("A read-only token sees the adapters and their settings but no form")
    func readOnly() async throws {
        try await TestService.run { service in
            let browser = ConsoleBrowserStub(service)
            try await browser.login(try await service.adminToken(name: "viewer", readOnly: true))
            for path in ["/console/apps/poll/adapters", "/console/apps/poll/adapters?kind=clerk", "/console/apps/poll/adapters/supabase"] {
                let page = try await browser.get(path)
                #expect(page.status == 200, "\(path)")
                #expect(ConsoleTests.postActions(page.body) == ["/console/logout"], "\(path): \(ConsoleTests.postActions(page.body))")
            }
            #expect(try await browser.get("/console/apps/poll/adapters/supabase").body.contains("authenticated"))
            let refused = try await browser.post("/console/apps/poll/adapters/supabase/check")
            #expect(refused.status == 403)
        }
    }

    @Test("A bot added by id alone (Ed25519, test environment) is listed and visible in the admin API")
    func botByID() async throws {
        try await TestService.run { service in
            let (browser, token) = try await Self.signedIn(service)
            let page = try await browser.get("/console/apps/shop")
            #expect(page.body.contains("name=\"id\"") && page.body.contains("name=\"test_environment\""))
            let added = try await browser.post(
                "/console/apps/shop/bots", [("token", ""), ("id", "7342037360"), ("test_environment", "on"), ("label", "tp")])
            #expect(added.header("Location") == "/console/apps/shop?done=bot_added&bot=7342037360", "\(added.status) \(added.body)")
            let bot = try #require(
                try await service.admin(.get, "/apps/shop/bots", token: token).json["items"]?.arrayElements?.first)
            #expect(bot["id"]?.integerValue == 7_342_037_360)
            #expect(bot["environment"]?.stringValue == "test", "\(bot)")
            #expect(bot["mode"]?.stringValue != "token")
            #expect(try await browser.get("/console/apps/shop").body.contains("Ed25519 (test)"))
            let production = try await browser.post("/console/apps/shop/bots", [("id", "7342037361")])
            #expect(production.status == 303)
            #expect(try await browser.get("/console/apps/shop").body.contains("Ed25519 (production)"))
        }
    }
}
