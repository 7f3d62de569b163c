import ClerkSimulator
import Foundation
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
}
