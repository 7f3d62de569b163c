import Foundation
import StrictJSON
import TelegateApp
@testable import TelegateCore
import TelegateTesting
import TelegramAuth
import TestSupport
import Testing

@testable import TelegateServer

/// The hosted pages in real headless Chromium (`Tests/Interop/hosted_page/hosted_page.py`, Playwright for Python,
/// handed the system's Chromium).
///
/// Over pages rendered in process and served at a routed origin: inside a Mini App stand-in the login posts
/// `initData` without a click, the `tgAuthResult` return and the widget's answer are posted, a hostile `first_name`
/// stays text, and the CSP lets the page's own script and Telegram's run.
///
/// Against a running Telegate: a Mini App login ends at the client's redirect URI with a code and the request's
/// `state` without a click, and a second authorization in the same browser is single sign-on; the `tgAuthResult`
/// return does the same; a user whose `first_name` is `<img src=x onerror=alert(1)>` sees it as text on the consent
/// page ("Continue as …"), no element is made and no dialog opens, and allowing finishes with a code; an
/// unregistered redirect URI shows the error page. Each code is redeemed here, and its ID token names the user who
/// logged in. A screenshot of each state (and the rendered pages) is kept in `$TELEGATE_ARTIFACTS_DIR/hosted-page`
/// when it is set. Serialized: one browser at a time.
@Suite("Hosted pages in a browser", .serialized)
struct HostedPageBrowserTests {
    static let script = Playwright.script("hosted_page/hosted_page.py")
    static let hostile = "<img src=x onerror=alert(1)>"

    /// Runs the script with `arguments` and `--artifacts` (the kept directory, or a temporary one given to `body`
    /// first and removed after); returns its exit status and output.
    static func runScript(
        _ arguments: [String], before body: (URL) throws -> Void = { _ in }
    ) async throws -> (status: Int32, output: String) {
        let kept = ProcessInfo.processInfo.environment["TELEGATE_ARTIFACTS_DIR"].map { URL(fileURLWithPath: $0).appendingPathComponent("hosted-page") }
        let directory = kept ?? FileManager.default.temporaryDirectory.appendingPathComponent("telegate-pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if kept == nil { try? FileManager.default.removeItem(at: directory) } }
        try body(directory)
        let result = try await Playwright.run(script, arguments + ["--artifacts", directory.path])
        #expect(result.status == 0, "python3 \(script) \(arguments.first ?? ""): \(result.output)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("ok"))
        return result
    }

    @Test(
        "The login page completes inside a Mini App, from tgAuthResult and from the widget; hostile names stay text",
        Playwright.isInstalled)
    func browser() async throws {
        _ = try await Self.runScript(["stand-in"]) { pages in
            for (name, html) in Self.pages() {
                try Data(html.utf8).write(to: pages.appendingPathComponent(name + ".html"))
            }
            try Data(PageHeaders.contentSecurityPolicy(scriptNonce: PagesTests.nonce).utf8).write(to: pages.appendingPathComponent("csp.txt"))
        }
    }

    static let nonce = "n-live-0S6_WzA2Mj"

    /// App `poll` with two confidential clients on the same loopback redirect URI (the script serves it):
    /// `site` (no consent) and `consenting` (`consent: required`).
    static func liveClients(redirectURI: String) -> (inout TelegateConfiguration) -> Void {
        { configuration in
            configuration.apps[0].clients = [
                ClientSpec(id: ClientID(rawValue: "site")!, secret: .environment("POLL_DJANGO_CLIENT_SECRET"), redirectURIs: [redirectURI]),
                ClientSpec(
                    id: ClientID(rawValue: "consenting")!, secret: .environment("POLL_DJANGO_CLIENT_SECRET"), redirectURIs: [redirectURI],
                    consent: .required),
            ]
        }
    }

    /// The authorization URL of `client` (the script sets `state`).
    static func authorizeURL(_ service: TestService, client: String, redirectURI: String) -> String {
        var components = URLComponents(string: service.baseURL + "/apps/poll/authorize")!
        components.queryItems = [
            URLQueryItem(name: "client_id", value: client), URLQueryItem(name: "redirect_uri", value: redirectURI),
            URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "scope", value: "openid profile telegram"),
            URLQueryItem(name: "nonce", value: nonce),
        ]
        return components.string!
    }

    @Test(
        "Against a running Telegate: Mini App without a click, single sign-on, tgAuthResult, a hostile name on the consent page, the error page",
        Playwright.isInstalled)
    func live() async throws {
        let redirectURI = "http://127.0.0.1:\(FreePort.next())/callback"
        try await TestService.run(
            live: true, clock: TestClock(Int64(Date().timeIntervalSince1970)), configure: Self.liveClients(redirectURI: redirectURI)
        ) { service in
            let widgetUser = TelegramUser(id: 555, firstName: "Widget", lastName: "User", username: "widget_user")
            let hostileUser = TelegramUser(id: 556, firstName: Self.hostile, username: "xss")
            let tgAuthResult = try WidgetSigner(botToken: TestService.pollToken).tgAuthResult(user: widgetUser, authDate: service.clock.now)
            service.rememberSecrets([tgAuthResult])
            let result = try await Self.runScript([
                "live", "--authorize-url", Self.authorizeURL(service, client: "site", redirectURI: redirectURI),
                "--consent-authorize-url", Self.authorizeURL(service, client: "consenting", redirectURI: redirectURI),
                "--redirect-uri", redirectURI,
                "--init-data", try service.signedInitData(), "--hostile-init-data", try service.signedInitData(user: hostileUser),
                "--tg-auth-result", tgAuthResult,
            ])
            let line = result.output.split(separator: "\n").first { $0.hasPrefix("{\"codes\"") }
            let codes = try JSONValue.parse(String(try #require(line, "no codes: \(result.output)")))["codes"]
            var subjects: [String: String] = [:]
            for (scenario, client, user) in [
                ("live-mini-app", "site", TestService.sampleUser), ("live-sso", "site", TestService.sampleUser),
                ("live-tg-auth-result", "site", widgetUser), ("live-consent", "consenting", hostileUser),
            ] {
                let code = try #require(codes?[scenario]?.stringValue, "\(scenario): no code")
                service.rememberSecrets([code])
                let rig = OpenIDProviderRig(service: service, clientID: client, secret: TestService.djangoClientSecret)
                let redeemed = try await rig.redeem(code, verifier: nil, redirectURI: redirectURI)
                #expect(redeemed.status == 200, "\(scenario): \(redeemed.body)")
                let claims = try JWT.claims(try #require(redeemed.json["id_token"]?.stringValue))
                let localUser = try #require(
                    try await service.application.services.storage.users.user(appID: AppID(rawValue: "poll")!, telegramID: user.id))
                #expect(claims["sub"]?.stringValue == localUser.id.rawValue, "\(scenario)")
                #expect(claims["name"]?.stringValue == [user.firstName, user.lastName ?? ""].filter { !$0.isEmpty }.joined(separator: " "))
                #expect(claims["telegram_id"]?.integerValue == user.id, "\(scenario)")
                #expect(claims["nonce"]?.stringValue == Self.nonce, "\(scenario)")
                subjects[scenario] = claims["sub"]?.stringValue
            }
            #expect(subjects["live-sso"] == subjects["live-mini-app"], "single sign-on is the same user")
            #expect(Set(subjects.values).count == 3, "three users: the Mini App's, the widget's, the hostile one")
        }
    }

    /// The pages the script drives, served at `https://id.example/apps/site/authorize`.
    static func pages() -> [(String, String)] {
        let hostile = Self.hostile
        let methods = LoginMethods(
            telegramRedirect: (botID: 123_456_789, origin: "https://id.example", returnTo: "https://id.example/apps/site/authorize"),
            widget: (botUsername: "site_bot", authURL: nil))
        let action = "https://id.example/apps/site/authorize"
        return [
            ("login", LoginPage(context: PagesTests.context(), formAction: action, hiddenFields: PagesTests.requestFields, methods: methods).render()),
            (
                "login-hostile",
                LoginPage(
                    context: PagesTests.context(appID: hostile), formAction: action,
                    hiddenFields: PagesTests.requestFields.map { ($0.name, $0.name == "state" ? hostile : $0.value) }, methods: methods
                ).render()
            ),
            (
                "consent",
                ConsentPage(
                    context: PagesTests.context(.ru), userName: hostile, clientID: "django", scopes: ["openid", "profile", "telegram", "offline_access"],
                    formAction: action, hiddenFields: PagesTests.requestFields
                ).render()
            ),
            (
                "error",
                ErrorPage(
                    context: PagesTests.context(), status: 400, code: "invalid_redirect_uri",
                    message: "The redirect_uri is not registered for this client.").render()
            ),
        ]
    }
}
