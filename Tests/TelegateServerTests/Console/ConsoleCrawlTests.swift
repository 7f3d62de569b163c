import Foundation
import StrictJSON
import TelegateCore
import TelegateTesting
import TelegramAuth
import TestSupport
import Testing

/// Every page of the console in real headless Chromium (`Tests/Interop/console/console_crawl.py`): an app with a
/// bot, an adapter, an OAuth client, a webhook endpoint with deliveries, rotated keys, a user and a user whose name
/// and username hold markup, crawled link by link as a writing admin and as a read-only one. On every page: no
/// serious axe-core violation, nothing but the console's own script, no image, no dialog, no console error (a CSP
/// violation is one), a CSRF token in every form, at most 150 KB with its stylesheet and script; the read-only admin
/// sees no form. A screenshot of each page is kept (``Playwright/screenshots(_:)``, `console`).
@Suite("Every console page in a browser", .serialized)
struct ConsoleCrawlTests {
    static let script = Playwright.script("console/console_crawl.py")
    static let hostileName = "<img src=x onerror=alert(1)>"
    static let hostileUsername = "\"'><script>"
    static let pageWeightLimit = 150 * 1024

    static let screenshots = Playwright.screenshots("console")

    @Test("Every page, as a writing and as a read-only admin: axe, CSP, XSS, CSRF, weight", Playwright.isInstalled)
    func crawl() async throws {
        let botToken = "7000000088:AAcrawlBotSecretValue0123456789abcdefg"
        let user = TelegramUser(id: 41_001, firstName: "Crawl", username: "crawl_user")
        let hostile = TelegramUser(id: 41_002, firstName: Self.hostileName, username: Self.hostileUsername)
        try await TestService.run(live: true, clock: TestClock(Int64(Date().timeIntervalSince1970)), wallClock: .system) {
            service in
            service.rememberSecrets([botToken])
            let token = try await service.adminToken(name: "crawler")
            let readOnly = try await service.adminToken(name: "viewer", readOnly: true)
            try await Self.seed(service, token: token, botToken: botToken)
            for person in [user, hostile] {
                let reply = try await service.exchange(app: "crawl", initData: try service.signedInitData(user: person, token: botToken))
                #expect(reply.status == 200, "\(reply.body)")
            }
            let starts = ["/console/apps/crawl/users?q=\(user.id)", "/console/apps/crawl/users?q=\(hostile.id)"]

            let writer = try await Self.crawl(service, token: token, label: "writer", starts: starts)
            let paths = Set(writer.pages.compactMap { $0["path"]?.stringValue })
            let expectedPaths = [
                "/console/apps", "/console/apps/crawl", "/console/audit", "/console/overview", "/console/apps/crawl/adapters",
                "/console/apps/crawl/adapters/convex", "/console/apps/crawl/clients", "/console/apps/crawl/webhooks",
                "/console/apps/crawl/keys",
            ]
            for expected in expectedPaths {
                #expect(paths.contains(expected), "not reached: \(expected) in \(paths.sorted())")
            }
            for prefix in ["/console/apps/crawl/users/usr_", "/console/apps/crawl/clients/", "/console/apps/crawl/webhooks/"] {
                #expect(paths.contains { $0.hasPrefix(prefix) }, "no page \(prefix)… in \(paths.sorted())")
            }
            let foundHostile = writer.pages.filter { $0["found"]?.arrayElements?.contains(.string(Self.hostileName)) == true }
            #expect(!foundHostile.isEmpty, "the hostile name is shown as text on no page")
            #expect(writer.pages.contains { ($0["postForms"]?.integerValue ?? 0) > 0 }, "a writing admin sees forms")

            let reader = try await Self.crawl(service, token: readOnly, label: "reader", starts: starts)
            #expect(reader.pages.count >= 4, "\(reader.pages.count) pages")
            for page in reader.pages {
                #expect(page["postForms"]?.integerValue == 0, "a read-only admin sees a form on \(page["path"] ?? .null)")
            }
        }
    }

    /// What one crawl saw, each page checked for what every page must hold.
    struct Crawl {
        let pages: [JSONValue]
    }

    /// Crawls the console as the admin of `token` (screenshots named after `label`) and checks every page.
    static func crawl(_ service: TestService, token: String, label: String, starts: [String]) async throws -> Crawl {
        var arguments = [
            "--base-url", service.baseURL, "--token", token, "--label", label, "--screenshots", screenshots,
            "--expect-text", hostileName,
        ]
        for start in starts { arguments += ["--start", start] }
        let result = try await Playwright.run(script, arguments)
        #expect(result.status == 0, "console_crawl.py: \(result.output)")
        let line = result.output.split(separator: "\n").last { $0.hasPrefix("{") }
        let seen = try JSONValue.parse(String(try #require(line, "no result: \(result.output)")))
        #expect(seen["truncated"] == .bool(false), "more pages than the crawl visits")
        #expect(seen["dialogs"]?.arrayElements?.isEmpty == true, "a dialog opened: \(seen["dialogs"] ?? .null)")
        #expect(seen["consoleErrors"]?.arrayElements?.isEmpty == true, "console errors: \(seen["consoleErrors"] ?? .null)")
        let pages = seen["pages"]?.arrayElements ?? []
        for page in pages {
            let path = page["path"]?.stringValue ?? "?"
            #expect(page["status"]?.integerValue == 200, "\(path): \(page)")
            #expect(page["foreignImages"]?.integerValue == 0, "\(path): an image")
            #expect(page["foreignScripts"]?.integerValue == 0, "\(path): a script that is not the console's")
            #expect(page["formsWithoutCSRF"]?.integerValue == 0, "\(path): a form without a CSRF token")
            let weight = page["weight"]?.integerValue ?? Int64.max
            #expect(weight > 0 && weight <= Int64(pageWeightLimit), "\(path) weighs \(weight) bytes")
            if seen["axeAvailable"] == .bool(true) {
                #expect(page["axe"]?.arrayElements?.isEmpty == true, "axe on \(path): \(page["axe"] ?? .null)")
            }
        }
        if seen["axeAvailable"] != .bool(true) {
            print("axe-playwright-python is not installed (pip install axe-playwright-python); accessibility not checked")
        }
        return Crawl(pages: pages)
    }

    /// App `crawl` with everything the console shows: a bot, an adapter, an OAuth client, a webhook endpoint (to a
    /// closed port, so its deliveries fail) whose description holds markup, and keys rotated once.
    static func seed(_ service: TestService, token: String, botToken: String) async throws {
        let calls: [(String, JSONValue)] = [
            ("/apps", .object([("id", .string("crawl"))])),
            ("/apps/crawl/bots", .object([("token", .string(botToken)), ("label", .string("crawl"))])),
            (
                "/apps/crawl/adapters",
                .object([
                    ("name", .string("convex")), ("kind", .string("oidc")), ("default", .bool(true)),
                    ("config", .object([("audience", .string("convex")), ("algorithm", .string("ES256"))])),
                ])
            ),
            (
                "/apps/crawl/clients",
                .object([("id", .string("site")), ("redirectURIs", .array([.string("https://site.example/callback")]))])
            ),
            (
                "/apps/crawl/webhooks",
                .object([
                    ("url", .string("http://127.0.0.1:\(FreePort.next())/hook")),
                    ("events", .array([.string("user.created")])), ("description", .string(hostileName)),
                    ("allowInsecureLoopback", .bool(true)),
                ])
            ),
            ("/apps/crawl/keys/rotate", .object([])),
        ]
        for (path, body) in calls {
            let reply = try await service.admin(.post, path, body: body, token: token)
            #expect((200..<300).contains(reply.status), "\(path): \(reply.body)")
            for secret in ["clientSecret", "secret"] {
                if let value = reply.json[secret]?.stringValue { service.rememberSecrets([value]) }
            }
        }
    }
}
