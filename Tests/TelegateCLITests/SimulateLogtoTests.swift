import Testing

/// `telegate simulate logto` is available.
@Suite("simulate logto")
struct SimulateLogtoTests {
    @Test("The help lists the Logto simulator, and a missing port is a usage error naming it")
    func listed() async throws {
        let help = try await CLIProcess.run(["simulate", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("logto"))
        #expect(help.stdout.contains("ES384"))
        let unknown = try await CLIProcess.run(["simulate", "nope", "--port", "0"])
        #expect(unknown.stderr.contains("available: ") && unknown.stderr.contains("logto"))
    }
}
