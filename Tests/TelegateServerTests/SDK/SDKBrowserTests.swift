import Foundation
import StrictJSON
import TelegateApp
import TelegateCore
import TelegateTesting
import TelegramAuth
import TestSupport
import Testing

/// The browser SDK's session client (`createTelegate`) in real headless Chromium against a live Telegate that reads
/// the system clock (`Tests/Interop/sdk/sdk_session.py`, Playwright for Python, handed the system's Chromium),
/// inside a Telegram WebApp stand-in: two tabs sharing one session of 5-second tokens (with Web Locks and without),
/// transient failures retried, storage by capability, skewed device clocks, a revoked family, signOut, Login Widget
/// proofs and a Telegram Login ID token, the Convex glue and the WebSocket helpers, and the WebSocket round trip
/// (`SDKWebSocketRoundTripTests.swift`). Refresh grants are counted by Telegate itself
/// (`telegate_refreshes_total`).
/// Serialized: one browser at a time.
@Suite("Browser SDK sessions", .serialized)
struct SDKBrowserTests {
    static let script = SDKPackage.interop.appendingPathComponent("sdk_session.py").path

    /// App `poll` allowing the page's origin, its `convex` adapter issuing 5-second tokens, and `convex-id` whose ID
    /// token (5 s) lives shorter than its access token (60 s).
    static func configure(pageOrigin: String) -> (inout TelegateConfiguration) -> Void {
        { configuration in
            configuration.apps[0].settings.corsOrigins.append(pageOrigin)
            configuration.apps[0].adapters[0].config = .object([
                ("audience", .string("convex")), ("algorithm", .string("ES256")), ("idTokenTTL", .integer(5)),
                ("accessTokenTTL", .integer(5)),
            ])
            configuration.apps[0].adapters.append(
                AdapterSpec(
                    name: AdapterName(rawValue: "convex-id")!, kind: "oidc",
                    config: .object([
                        ("audience", .string("convex")), ("algorithm", .string("ES256")), ("idTokenTTL", .integer(5)),
                        ("accessTokenTTL", .integer(60)),
                    ])))
        }
    }

    /// The shortest time between two refreshes of one session of 5-second tokens: the SDK renews a token when a
    /// quarter of its lifetime (1.25 s) is left, on a clock estimate that errs one second early, so 2.75 s after it
    /// received it.
    static let refreshPeriodMilliseconds: Int64 = 2750

    /// The most refresh grants `sessions` sessions may take in `milliseconds`: one per period each, and two more for
    /// a refresh in flight at either end.
    static func refreshBound(milliseconds: Int64, sessions: Int64 = 1) -> Int64 {
        sessions * (milliseconds / refreshPeriodMilliseconds + 2)
    }

    /// Runs `scenario` against a live Telegate and returns what the script saw.
    static func run(
        _ scenario: String, provider: String = "convex", seconds: Int = 0, miniApp: Bool = true,
        extra: (TestService) throws -> [String] = { _ in [] }
    ) async throws -> JSONValue {
        let pagePort = FreePort.next()
        var seen = JSONValue.null
        try await TestService.run(
            live: true, clock: TestClock(Int64(Date().timeIntervalSince1970)), wallClock: .system,
            configure: configure(pageOrigin: HeadlessChromium.origin(port: pagePort))
        ) { service in
            var arguments = ["--provider", provider, "--seconds", "\(seconds)"]
            if miniApp { arguments += ["--init-data", try service.signedInitData()] }
            arguments += try extra(service)
            seen = try await script(scenario, service: service, pagePort: pagePort, arguments: arguments)
        }
        return seen
    }

    /// Runs the script's `scenario` against `service` (app `poll`) with the page on `pagePort` and returns what it
    /// saw.
    static func script(_ scenario: String, service: TestService, pagePort: Int, arguments: [String]) async throws -> JSONValue {
        let command = [script, scenario, "--base-url", service.baseURL, "--page-port", "\(pagePort)", "--app", "poll"] + arguments
        let result = try await Playwright.run(script, Array(command.dropFirst()))
        #expect(result.status == 0, "sdk_session.py \(scenario): \(result.output)")
        let line = result.output.split(separator: "\n").first { $0.hasPrefix("{") }
        return try JSONValue.parse(String(try #require(line, "no result: \(result.output)")))
    }

    @Test(
        "Two tabs keep one session of 5-second tokens for 60 s: refreshed before expiry, one refresh per period for both tabs",
        Playwright.isInstalled)
    func twoTabs() async throws {
        let seen = try await Self.run("tabs", seconds: 60)
        #expect(seen["webLocks"] == .bool(true))
        Self.expectOneSession(seen, minimumRefreshes: 12)
    }

    @Test(
        "Without Web Locks, two tabs take turns through the BroadcastChannel lock: still one refresh per period for both tabs",
        Playwright.isInstalled)
    func twoTabsWithoutWebLocks() async throws {
        let seen = try await Self.run("tabs", seconds: 15) { _ in ["--no-web-locks"] }
        #expect(seen["webLocks"] == .bool(false), "navigator.locks was not removed: \(seen)")
        Self.expectOneSession(seen, minimumRefreshes: 3)
    }

    /// What the tabs scenario saw is one session shared by both tabs: no tab was handed an expired token, every
    /// refresh Telegate granted gave a token both tabs were handed and told of, and there were at most one per refresh
    /// period.
    static func expectOneSession(_ seen: JSONValue, minimumRefreshes: Int64) {
        #expect(seen["secondStarted"] == .bool(true), "the second tab took the first tab's session: \(seen)")
        let tabs = seen["tabs"].items
        #expect(tabs.count == 2)
        var tokens: [Set<String>] = []
        for tab in tabs {
            #expect(tab["expired"].items.isEmpty, "a tab was handed an expired token: \(tab)")
            #expect(tab["errors"].items.isEmpty, "\(tab)")
            let handed = tab["seen"].items.compactMap(\.stringValue)
            tokens.append(Set(handed))
            // onTokenChange told the tab of each new token once, and of every token it was handed but the one it
            // started with and the one taken after it stopped listening.
            let changed = tab["changed"].items.map { $0.stringValue ?? "null" }
            #expect(Set(changed).count == changed.count, "a change was announced twice: \(tab)")
            #expect(Set(handed.dropFirst().dropLast()).isSubset(of: Set(changed)), "a tab was not told of a new token: \(tab)")
        }
        let refreshes = seen["refreshes"]
        let successes = refreshes?["success"]?.integerValue ?? 0
        // One refresh per period for both tabs: every refresh Telegate answered gave a token the tabs were handed (as
        // many refreshes as tokens after the first, none wasted on a second tab), and both tabs were handed the same
        // tokens (but the last, which the tab that stopped watching first may not have asked for).
        let all = tokens[0].union(tokens[1])
        #expect(successes == Int64(all.count) - 1, "\(seen)")
        #expect(tokens[0].intersection(tokens[1]).count >= all.count - 1, "the tabs saw different tokens: \(seen)")
        #expect(successes >= minimumRefreshes, "5-second tokens: \(seen)")
        let milliseconds = seen["ms"]?.integerValue ?? 0
        #expect(successes <= refreshBound(milliseconds: milliseconds), "more than one refresh per period: \(seen)")
        #expect((refreshes?["invalid_grant"]?.integerValue ?? 0) == 0 && (refreshes?["reuse_detected"]?.integerValue ?? 0) == 0)
        #expect(seen["storage"] == .array([.string("sessionStorage"), .string("sessionStorage")]))
        #expect(seen["refreshTokenInLocalStorage"] == .bool(false))
    }

    @Test(
        "Transient failures are retried with backoff: two 503 answers, then a new token; a token endpoint that keeps failing is tried 1 + retries times",
        Playwright.isInstalled)
    func transientRetries() async throws {
        let seen = try await Self.run("retry")
        let recovered = seen["recovered"]
        #expect(recovered?["fresh"] == .bool(true), "\(seen)")
        #expect(recovered?["attempts"]?.integerValue == 3, "\(seen)")
        #expect(recovered?["refreshes"]?["success"]?.integerValue == 1, "\(seen)")
        // Backoff: at least half of 0.4 s, then of 0.8 s (jittered exponential) between the attempts.
        #expect((recovered?["ms"]?.integerValue ?? 0) >= 600, "retried without waiting: \(seen)")
        let failing = seen["failing"]
        #expect(failing?["error"]?.stringValue == "http_503", "\(seen)")
        #expect(failing?["status"]?.integerValue == 503)
        #expect(failing?["attempts"]?.integerValue == 5, "the default retries (4) and the first attempt: \(seen)")
        #expect((failing?["ms"]?.integerValue ?? 0) >= 3000, "0.2 + 0.4 + 0.8 + 1.6 s of backoff at least: \(seen)")
    }

    @Test(
        "Storage by capability: SecureStorage, else DeviceStorage (SecureStorage failing or absent), else sessionStorage; the refresh token never in localStorage, a cookie or the URL",
        Playwright.isInstalled)
    func storageByCapability() async throws {
        let seen = try await Self.run("storage")
        let expected: [(variant: String, kind: String, holder: String)] = [
            ("both", "secureStorage", "secure"), ("secureFails", "deviceStorage", "device"), ("deviceOnly", "deviceStorage", "device"),
            ("beforeBotAPI9", "sessionStorage", "sessionStorage"), ("none", "sessionStorage", "sessionStorage"),
        ]
        for (variant, kind, holder) in expected {
            let stored = seen[variant]
            #expect(stored?["kind"]?.stringValue == kind, "\(variant): \(seen)")
            #expect(stored?["where"] == .array([.string(holder)]), "\(variant): the session is kept in \(holder) alone: \(seen)")
            #expect(stored?["hasRefreshToken"] == .bool(true), "\(variant)")
            #expect(stored?["leaked"] == .bool(false), "\(variant): the refresh token left its storage: \(seen)")
            #expect(stored?["localStorageKeys"]?.integerValue == 0, "\(variant)")
        }
    }

    @Test(
        "A device clock 90 s ahead or behind: getToken() never hands out an expired token and refreshes ahead of expiry, once per period",
        Playwright.isInstalled)
    func clockSkew() async throws {
        let seen = try await Self.run("skew", seconds: 8)
        for name in ["ahead", "behind"] {
            let tab = seen["skew"]?[name] ?? .null
            #expect(tab["expired"].items.isEmpty, "\(name): handed an expired token: \(seen)")
            #expect(tab["errors"].items.isEmpty, "\(name): \(seen)")
            // Refreshed ahead of expiry: every token handed out still had time left (how much depends on how busy the
            // machine is, so only its sign is checked), and the session moved on to a new token at least once.
            #expect((tab["leastLeft"]?.integerValue ?? 0) > 0, "\(name): not refreshed ahead of expiry: \(seen)")
            #expect(tab["seen"].items.count >= 2, "\(name): never refreshed in 8 s: \(seen)")
        }
        let successes = seen["refreshes"]?["success"]?.integerValue ?? 0
        let milliseconds = seen["ms"]?.integerValue ?? 0
        #expect(successes <= Self.refreshBound(milliseconds: milliseconds, sessions: 2), "refreshing too often: \(seen)")
    }

    @Test(
        "A revoked family makes getToken() sign in again, as the same user in a new family",
        Playwright.isInstalled)
    func revokedFamily() async throws {
        let seen = try await Self.run("revoke")
        #expect(seen["revoked"]?.integerValue == 200)
        #expect(seen["newToken"] == .bool(true), "\(seen)")
        #expect(seen["newFamily"] == .bool(true), "\(seen)")
        let subjects = seen["subjects"].items
        #expect(subjects.count == 2 && subjects[0] == subjects[1], "\(seen)")
        #expect(seen["oldRefresh"]?.stringValue == "invalid_grant")
    }

    @Test(
        "signOut() revokes the session (first token or rotated) and forgets it",
        Playwright.isInstalled)
    func signOut() async throws {
        let seen = try await Self.run("signout")
        for name in ["firstToken", "afterRefresh"] {
            #expect(seen[name]?["status"]?.integerValue == 400, "\(name): \(seen)")
            #expect(seen[name]?["error"]?.stringValue == "invalid_grant", "\(name)")
            #expect(seen[name]?["session"] == .null, "\(name)")
            #expect(seen[name]?["stored"] == .null, "\(name)")
        }
    }

    @Test(
        "Outside a Mini App, a #tgAuthResult= return signs in (and is cleared from the URL), and so does widget data",
        Playwright.isInstalled)
    func widget() async throws {
        let returning = TelegramUser(id: 555, firstName: "Widget", username: "widget_user")
        let passed = TelegramUser(id: 556, firstName: "Passed", username: "passed_user")
        let seen = try await Self.run("widget", miniApp: false) { service in
            let signer = WidgetSigner(botToken: TestService.pollToken)
            let tgAuthResult = try signer.tgAuthResult(user: returning, authDate: service.clock.now)
            let widget = try signer.jsonObject(user: passed, authDate: service.clock.now)
            service.rememberSecrets([tgAuthResult, widget])
            return ["--tg-auth-result", tgAuthResult, "--widget", widget]
        }
        #expect(seen["tgAuthResult"]?["telegramId"]?.integerValue == 555, "\(seen)")
        #expect(seen["tgAuthResult"]?["hash"]?.stringValue == "#keep=1")
        #expect(seen["tgAuthResult"]?["token"] == .bool(true))
        #expect(seen["widget"]?["telegramId"]?.integerValue == 556, "\(seen)")
        #expect(seen["widget"]?["lastProof"]?.stringValue == "widget")
        #expect(seen["widget"]?["token"] == .bool(true))
    }

    @Test(
        "Outside a Mini App, signIn({idToken, nonce}) with a Telegram Login ID token opens a session that refreshes",
        Playwright.isInstalled)
    func idTokenSignIn() async throws {
        let seen = try await Self.run("idtoken", miniApp: false) { service in
            let token = try service.telegram.idToken(
                botID: 7_000_000_001, user: TestService.sampleUser, now: service.clock.now, nonce: "sdk-nonce")
            service.rememberSecrets([token])
            return ["--id-token", token, "--nonce", "sdk-nonce"]
        }
        let signedIn = seen["idToken"]
        #expect(signedIn?["telegramId"]?.integerValue == TestService.sampleUser.id, "\(seen)")
        #expect(signedIn?["lastProof"]?.stringValue == "telegramOIDC", "\(seen)")
        #expect(signedIn?["credential"]?.stringValue == "oidc")
        #expect(signedIn?["stored"] == .bool(true))
        #expect(signedIn?["refreshed"] == .bool(true), "\(seen)")
        #expect(signedIn?["sameUser"] == .bool(true))
    }

    @Test(
        "convexAuth never hands Convex an expired ID token when the ID token (5 s) lives shorter than the access token (60 s)",
        Playwright.isInstalled)
    func convexIDTokenTiming() async throws {
        let seen = try await Self.run("convex", provider: "convex-id", seconds: 15)
        #expect(seen["convex"]?["expired"]?.integerValue == 0, "\(seen)")
        #expect(seen["convex"]?["nulls"]?.integerValue == 0, "\(seen)")
        #expect((seen["convex"]?["distinct"]?.integerValue ?? 0) >= 3, "the ID token was renewed by its own exp: \(seen)")
    }

    @Test(
        "WebSocket helpers: connectionParams carry the token; each refresh sends one auth message on an open socket; inPlace: false reconnects",
        Playwright.isInstalled)
    func socketHelpers() async throws {
        let seen = try await Self.run("socket")
        let socket = seen["socket"]
        #expect(socket?["params"] == .bool(true), "\(seen)")
        #expect(socket?["graphql"] == .bool(true), "\(seen)")
        #expect(socket?["messages"]?.integerValue == 3, "\(seen)")
        #expect(socket?["inOrder"] == .bool(true), "\(seen)")
        #expect(socket?["closed"] == .array([.number("4000")]), "\(seen)")
        #expect(socket?["reconnected"]?.integerValue == 1, "\(seen)")
    }
}

extension Optional where Wrapped == JSONValue {
    /// The elements of a JSON array, none for anything else.
    fileprivate var items: [JSONValue] {
        if case .array(let elements)? = self { return elements }
        return []
    }
}
