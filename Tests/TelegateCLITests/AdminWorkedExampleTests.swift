import ClerkSimulator
import Foundation
import TestSupport
import Testing

/// The worked example of docs/admin.md, run as written with bash against a real `telegate serve`.
@Suite("Admin worked example")
struct AdminWorkedExampleTests {
    @Test("docs/admin.md's worked example runs top to bottom, its Clerk adapter issuing a ticket from the simulator")
    func workedExample() async throws {
        let run = try await DocScript.run(try DocBlock.read("docs/admin.md", "admin-worked-example"), ports: ["8080", "9101"])
        defer { run.remove() }
        let (text, log) = (run.output, run.file("serve.log"))
        #expect(run.status == 0, "\(run.report(logs: ["serve.log"]))")
        #expect(text.contains("prod bot: exchange ok"))
        #expect(text.contains("dev bot: exchange ok"))
        #expect(text.contains("clerk: ticket issued"))
        #expect(text.contains("after disable: exchange refused (403)"))
        #expect(text.contains("now signing with"))
        #expect(text.contains("user.disabled"))
        #expect(!text.contains("AAprodExampleBotToken0123456789abcdef"))
        #expect(!text.contains(ClerkInstanceSettings.defaultSecretKey))
        #expect(!log.contains(ClerkInstanceSettings.defaultSecretKey))
        #expect(!log.contains("AAprodExampleBotToken0123456789abcdef"))
    }
}
