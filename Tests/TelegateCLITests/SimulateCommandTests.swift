import Testing

/// `telegate simulate`: an unknown simulator is a usage error that names the ones available.
@Suite("simulate command")
struct SimulateCommandTests {
    @Test("An unknown simulator exits with status 2 and lists what is available")
    func unknown() async throws {
        let result = try await CLIProcess.run(["simulate", "no-such-provider", "--port", "0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("there is no no-such-provider simulator; available:"))
    }
}
