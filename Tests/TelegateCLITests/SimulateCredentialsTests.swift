import ClerkSimulator
import Foundation
import Testing

/// `telegate simulate clerk|logto` print the credentials they accept, so a person can configure an adapter.
@Suite("simulate prints its credentials")
struct SimulateCredentialsTests {
    @Test("Each simulator prints where it listens and the adapter configuration it accepts", arguments: [
        ("clerk", ["secretKey:", ClerkInstanceSettings.defaultSecretKey]),
        (
            "logto",
            [
                "managementResource:", "https://default.logto.app/api", "m2mClientId:", "m2m-telegate", "m2mClientSecret:",
                "m2m-telegate-secret", "exchangeClientId:", "telegate-exchange", "exchangeClientSecret:",
                "telegate-exchange-secret", "telegate-spa", "resource:", "https://api.example.com",
            ]
        ),
    ])
    func credentials(kind: String, expected: [String]) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-simulate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulator = try BackgroundCLI(["simulate", kind, "--port", "0"], in: directory)
        let printed = try await simulator.waitForOutput { output in expected.allSatisfy { output.contains($0) } }
        let output = simulator.output
        try await simulator.stop()
        #expect(printed, "\(output)")
        #expect(output.contains("\(kind) simulator listening on http://127.0.0.1:"))
    }
}
