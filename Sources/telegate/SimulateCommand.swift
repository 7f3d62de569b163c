import ArgumentParser
import Foundation
import SimulatorKit
import TelegateApp
import TelegramSimulator

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
            telegram-bot takes the bots it knows (--bot <id>:<secret>, repeatable) and the users' chats \
            (--chat <user id>[:started|not_started|blocked], repeatable); without them it serves a development bot and chats.
            Available: \(simulators.isEmpty ? "none" : simulators.map { "\($0.kind) (\($0.summary))" }.joined(separator: "; ")).
            """
    )

    @Argument(help: "The provider to simulate.")
    var kind: String

    @Option(help: "The address to bind.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port: Int

    @Option(name: .customLong("bot"), help: "telegram-bot: a bot token the Bot API knows, <id>:<secret> (repeatable).")
    var bots: [String] = []

    @Option(
        name: .customLong("chat"),
        help: "telegram-bot: a user's private chat, <user id>[:started|not_started|blocked] (repeatable).")
    var chats: [String] = []

    func validate() throws {
        if kind != TelegramBotSimulator.kind, !bots.isEmpty || !chats.isEmpty {
            throw ValidationError("--bot and --chat are options of the \(TelegramBotSimulator.kind) simulator")
        }
    }

    func run() async throws {
        guard let simulator = Self.simulators.first(where: { $0.kind == kind }) else {
            throw ValidationError(
                "there is no \(kind) simulator; available: "
                    + (Self.simulators.isEmpty ? "none" : Self.simulators.map { $0.kind }.joined(separator: ", ")))
        }
        if kind == TelegramBotSimulator.kind {
            try await serve(TelegramBotSimulator(configuration: try botConfiguration()))
        } else {
            try await serve(simulator.init())
        }
    }

    /// The Bot API the options describe: the development one without options; otherwise the given bots (the
    /// development bot if none) and chats (none if none).
    private func botConfiguration() throws -> TelegramBotSimulatorConfiguration {
        guard !bots.isEmpty || !chats.isEmpty else { return .development }
        let known = try bots.map { token in
            guard let bot = TelegramBotSimulatorConfiguration.Bot(token: token) else {
                throw ValidationError("--bot \(token) is not a bot token (<id>:<secret>)")
            }
            return bot
        }
        let users = try chats.map { argument in
            guard let chat = TelegramBotSimulatorConfiguration.Chat(argument: argument) else {
                throw ValidationError("--chat \(argument) is not <user id>[:started|not_started|blocked]")
            }
            return chat
        }
        return TelegramBotSimulatorConfiguration(
            bots: known.isEmpty ? [TelegramBotSimulatorConfiguration.developmentBot] : known, chats: users)
    }

    /// Runs `simulator` until SIGTERM or SIGINT; once it listens, prints where and the credentials it accepts.
    private func serve(_ simulator: some ProviderSimulator) async throws {
        let (kind, host) = (kind, host)
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
