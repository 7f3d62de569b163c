import Foundation
import TestSupport
import Testing

/// The worked example of docs/admin.md, run as written with bash against a real `telegate serve`.
@Suite("Admin worked example")
struct AdminWorkedExampleTests {
    /// The first `sh` block after the "Worked example" heading.
    static func script() throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/admin.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let section = try #require(text.range(of: "## Worked example"))
        let rest = text[section.upperBound...]
        let start = try #require(rest.range(of: "```sh\n"))
        let end = try #require(rest[start.upperBound...].range(of: "\n```"))
        return String(rest[start.upperBound..<end.lowerBound])
    }

    @Test("docs/admin.md's worked example runs top to bottom through the CLI against a running server")
    func workedExample() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-example-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = try Self.script()
            .replacing("8080", with: String(FreePort.next())).replacing("9101", with: String(FreePort.next()))

        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = CLIProcess.executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "")
        environment.removeValue(forKey: "TELEGATE_ADMIN_TOKEN")
        environment.removeValue(forKey: "TELEGATE_DATABASE_URL")
        let (status, text) = try await offCooperativePool { [environment] in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", script]
            process.currentDirectoryURL = directory
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("serve.log"), encoding: .utf8)) ?? ""
        #expect(status == 0, "\(text)\n--- serve.log ---\n\(log)")
        #expect(text.contains("prod bot: exchange ok"))
        #expect(text.contains("dev bot: exchange ok"))
        #expect(text.contains("after disable: exchange refused (403)"))
        #expect(text.contains("now signing with"))
        #expect(text.contains("user.disabled"))
        #expect(!text.contains("AAprodExampleBotToken0123456789abcdef"))
        #expect(!text.contains("sk_test_exampleClerkSecretKey0123"))
        #expect(!log.contains("AAprodExampleBotToken0123456789abcdef"))
    }
}
