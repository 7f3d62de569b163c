import ClerkSimulator
import Foundation
import StrictJSON
import TelegateCore
import TelegateTesting
import TelegramAuth
import TestSupport
import Testing

/// The admin console in real headless Chromium (`Tests/Interop/console/console_journey.py`, Playwright for Python
/// handed the system's Chromium) against a live Telegate: the whole journey of an admin as one test, with
/// screenshots of every page (``Playwright/screenshots(_:)``, `console`) and, when axe-playwright-python is installed, an
/// axe-core check of every page.
@Suite("Admin console in a browser", .serialized)
struct ConsoleBrowserTests {
    static let script = Playwright.script("console/console_journey.py")
    static let screenshots = Playwright.screenshots("console")

    @Test(
        "Log in, create an app, add a bot and a Clerk adapter (test connection), exchange, find the user, disable them, see the next exchange refused; markup stays text",
        Playwright.isInstalled)
    func journey() async throws {
        let botToken = "7000000077:AAjourneyBotSecretValue0123456789abcd"
        let user = TelegramUser(id: 31_337, firstName: "Journey", username: "journey_user")
        let hostile = TelegramUser(id: 31_338, firstName: "<img src=x onerror=alert(1)>", username: "\"'><script>")
        let clerkKey = "sk_test_journeyClerkSecretKeyValue0123456789"
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("journey-clerk-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: keyFile, contents: Data(clerkKey.utf8)))
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        var seen = JSONValue.null
        try await ClerkSimulator(settings: ClerkInstanceSettings(secretKey: clerkKey)).serving { clerkURL in
            try await TestService.run(live: true, clock: TestClock(Int64(Date().timeIntervalSince1970)), wallClock: .system) {
                service in
                service.rememberSecrets([botToken, clerkKey])
                let token = try await service.adminToken(name: "journey-admin")
                let proofs = try [user, user, hostile].map { try service.signedInitData(user: $0, token: botToken) }
                var arguments = [
                    Self.script, "--base-url", service.baseURL, "--token", token, "--app", "journey", "--bot-token", botToken,
                    "--telegram-id", "\(user.id)", "--hostile-id", "\(hostile.id)", "--screenshots", Self.screenshots,
                    "--clerk-url", clerkURL, "--clerk-secret", "file:" + keyFile,
                ]
                for proof in proofs { arguments += ["--init-data", proof] }
                let result = try await Playwright.run(Self.script, Array(arguments.dropFirst()))
                #expect(result.status == 0, "console_journey.py: \(result.output)")
                let line = result.output.split(separator: "\n").last { $0.hasPrefix("{") }
                seen = try JSONValue.parse(String(try #require(line, "no result: \(result.output)")))
            }
        }
        #expect(seen["loginURL"]?.stringValue?.hasSuffix("/console/login") == true, "\(seen)")
        #expect(seen["botNotice"]?.stringValue?.contains("Bot 7000000077 was added") == true, "\(seen)")
        #expect(seen["tokenShown"] == .bool(false))
        #expect(seen["adapterCheck"]?.stringValue?.hasPrefix("Connection ok") == true, "\(seen)")
        #expect(seen["secretReferenceShown"] == .bool(false))
        #expect(seen["firstExchange"]?["status"]?.integerValue == 200, "\(seen)")
        #expect(seen["hostileExchange"]?["status"]?.integerValue == 200, "\(seen)")
        #expect(seen["disabledNotice"]?.stringValue?.contains("disabled") == true)
        #expect(seen["secondExchange"]?["status"]?.integerValue == 403, "\(seen)")
        #expect(seen["secondExchange"]?["code"]?.stringValue == "user_disabled")
        #expect(seen["dialogs"]?.arrayElements?.isEmpty == true, "a dialog opened: \(seen)")
        let text = seen["hostileText"]?.stringValue ?? ""
        #expect(text.contains("<img src=x onerror=alert(1)>") && text.contains("@\"'><script>"), "shown as text: \(text)")
        #expect(seen["imagesOnPage"]?.integerValue == 0)
        #expect(seen["scriptsOnPage"]?.integerValue == 1, "only the console's own script")
        #expect(seen["auditText"]?.stringValue?.contains("user.disabled") == true)
        #expect(seen["auditText"]?.stringValue?.contains("admin:journey-admin") == true)
        #expect(seen["phoneOverflow"] == .bool(false), "fits a phone's width: \(seen)")
        #expect(seen["phoneBackground"]?.stringValue != "rgb(244, 245, 247)", "dark colours under prefers-color-scheme: dark")
        #expect(seen["firstFocus"]?.stringValue == "Skip to content")
        #expect(seen["afterLogout"]?.stringValue?.hasSuffix("/console/login") == true)
        #expect(seen["consoleErrors"]?.arrayElements?.isEmpty == true, "no CSP violation or script error: \(seen)")
        if seen["axeAvailable"] == .bool(true) {
            for (page, violations) in seen["axe"]?.objectMembers ?? [] {
                #expect(violations.arrayElements?.isEmpty == true, "axe: serious violations on \(page): \(violations)")
            }
        } else {
            print("axe-playwright-python is not installed (pip install axe-playwright-python); accessibility not checked")
        }
    }
}
