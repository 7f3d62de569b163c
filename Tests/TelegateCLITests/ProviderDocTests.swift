import ClerkSimulator
import Foundation
import TestSupport
import Testing

/// The local paths of docs/providers/clerk.md and docs/providers/logto.md, run as written with bash against the
/// real `telegate serve` and the provider simulators.
@Suite("Provider docs run as written")
struct ProviderDocTests {
    @Test("docs/providers/clerk.md: the simulator, the file, an exchange that issues a ticket, a session from it")
    func clerk() async throws {
        let run = try await DocScript.run(try DocBlock.read("docs/providers/clerk.md", "clerk-local"), ports: ["8080", "9001"])
        defer { run.remove() }
        let report = run.report(logs: ["serve.log", "clerk.log"])
        #expect(run.status == 0, "\(report)")
        #expect(run.output.contains("clerk ticket issued"), "\(report)")
        #expect(run.output.contains("clerk session opened"), "\(report)")
        #expect(run.output.contains("ticket used up"), "\(report)")
        #expect(!run.file("serve.log").contains(ClerkInstanceSettings.defaultSecretKey))
        #expect(!run.file("serve.log").contains("AAshopExampleBotToken0123456789abcde"))
    }

    @Test("docs/providers/logto.md: the simulator, the file with its printed credentials, an exchange that issues an access token")
    func logto() async throws {
        let run = try await DocScript.run(try DocBlock.read("docs/providers/logto.md", "logto-local"), ports: ["8080", "9002"])
        defer { run.remove() }
        let report = run.report(logs: ["serve.log", "logto.log"])
        #expect(run.status == 0, "\(report)")
        #expect(run.output.contains("logto access token issued"), "\(report)")
        #expect(!run.file("serve.log").contains("m2m-telegate-secret"))
        #expect(!run.file("serve.log").contains("telegate-exchange-secret"))
    }

    @Test("The configuration blocks of clerk.md and logto.md are accepted as written by config apply", arguments: [
        ("docs/providers/clerk.md", "clerk-config", "+ adapter shop/clerk (clerk)"),
        ("docs/providers/logto.md", "logto-config", "+ adapter poll/logto (logto)"),
    ])
    func configuration(document: String, block: String, applied: String) async throws {
        var run = try FirstHourRun()
        defer { run.remove() }
        let apps = try DocBlock.read(document, block)
        try run.write("telegate.yaml", "database: {url: \"sqlite://./docs.sqlite\"}\nmasterKey: env:TELEGATE_MASTER_KEY\n" + apps)
        run.environment["TELEGATE_MASTER_KEY"] = FirstHourTests.masterKey()
        for name in ["SHOP_BOT_TOKEN", "POLL_BOT_TOKEN"] {
            run.environment[name] = "7000000501:AAdocsConfigBotToken0123456789abcdefg"
        }
        for name in ["CLERK_SECRET_KEY", "LOGTO_M2M_SECRET", "LOGTO_EXCHANGE_SECRET"] {
            run.environment[name] = "doc-test-secret"
        }
        let result = try await run.cli(["config", "apply", "telegate.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(applied), "\(result.stdout)")
    }
}
