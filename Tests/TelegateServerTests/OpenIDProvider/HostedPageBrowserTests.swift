import Foundation
import TestSupport
import Testing

@testable import TelegateServer

/// The hosted pages in real headless Chromium (`Tests/Interop/hosted_page/hosted_page.py`, Playwright for Python):
/// inside a Mini App stand-in the login completes without a click, the `tgAuthResult` return and the widget's
/// answer are posted, a hostile `first_name` stays text, and the CSP lets the page's own script and Telegram's run.
/// The rendered pages and a screenshot of each state are kept in `$TELEGATE_ARTIFACTS_DIR/hosted-page` when it is set.
@Suite("Hosted pages in a browser")
struct HostedPageBrowserTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(
        "The login page completes inside a Mini App, from tgAuthResult and from the widget; hostile names stay text",
        .enabled(if: chromium != nil, "chromium is not installed (apt-get install -y chromium); browser test skipped"))
    func browser() async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/hosted_page/hosted_page.py").path
        let kept = ProcessInfo.processInfo.environment["TELEGATE_ARTIFACTS_DIR"].map { URL(fileURLWithPath: $0).appendingPathComponent("hosted-page") }
        let pages = kept ?? FileManager.default.temporaryDirectory.appendingPathComponent("telegate-pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: pages, withIntermediateDirectories: true)
        defer { if kept == nil { try? FileManager.default.removeItem(at: pages) } }
        for (name, html) in Self.pages() {
            try Data(html.utf8).write(to: pages.appendingPathComponent(name + ".html"))
        }
        try Data(PageHeaders.contentSecurityPolicy(scriptNonce: PagesTests.nonce).utf8).write(to: pages.appendingPathComponent("csp.txt"))
        let result = try await ChildProcess.run(
            "/usr/bin/env", ["python3", script, "stand-in", "--pages", pages.path, "--artifacts", pages.path])
        #expect(result.status == 0, "python3 \(script): \(result.output) — install Playwright with pip install playwright")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("ok"))
    }

    /// The pages the script drives, served at `https://id.example/apps/site/authorize`.
    static func pages() -> [(String, String)] {
        let hostile = "<img src=x onerror=alert(1)>"
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
