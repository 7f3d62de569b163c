import ArgumentParser
import Foundation
import SimulatorKit
import TelegateApp

/// `telegate simulate <kind>`: run a provider simulator for local development.
struct SimulateCommand: AsyncParsableCommand {
    /// The simulators this build carries (`BuiltinProviders`).
    static let simulators = BuiltinProviders.simulators

    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a stand-in for an identity provider's API on this machine, for development and tests.",
        discussion: """
            Point an adapter at it with allowInsecureLoopback: true. Control routes: GET/DELETE /_simulator/calls, \
            POST/DELETE /_simulator/faults.
            Available: \(simulators.isEmpty ? "none" : simulators.map { "\($0.kind) (\($0.summary))" }.joined(separator: "; ")).
            """
    )

    @Argument(help: "The provider to simulate.")
    var kind: String

    @Option(help: "The address to bind.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port: Int

    func run() async throws {
        guard let simulator = Self.simulators.first(where: { $0.kind == kind }) else {
            throw ValidationError(
                "there is no \(kind) simulator; available: "
                    + (Self.simulators.isEmpty ? "none" : Self.simulators.map { $0.kind }.joined(separator: ", ")))
        }
        try await serve(simulator)
    }

    /// Runs a simulator of type `S` until SIGTERM or SIGINT; once it listens, prints where and the credentials it
    /// accepts.
    private func serve<S: ProviderSimulator>(_: S.Type) async throws {
        let (kind, host) = (kind, host)
        let simulator = S()
        let credentials = simulator.acceptedCredentials
        try await simulator.serve(
            host: host, port: port, shutdownSignals: [.sigterm, .sigint], logger: ConfigurationOptions.logger()
        ) { port in
            var lines = ["\(kind) simulator listening on http://\(host):\(port)"]
            if !credentials.isEmpty {
                lines.append("it accepts (adapter configuration; test values, not secrets of a real service):")
                let width = credentials.map(\.key.count).max() ?? 0
                for credential in credentials {
                    let key = (credential.key + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0)
                    lines.append("  \(key) \(credential.value)" + (credential.note.map { "  (\($0))" } ?? ""))
                }
            }
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}
