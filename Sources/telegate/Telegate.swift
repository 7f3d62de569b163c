import ArgumentParser
import Foundation

/// The `telegate` command: a thin layer of argument parsing over the libraries.
struct Telegate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telegate",
        abstract: "Turn Telegram identity proofs into sessions at the identity provider your app already uses.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, KeysCommand.self, VerifyCommand.self, InitDataCommand.self, WidgetCommand.self,
            SimulateCommand.self,
            AppsCommand.self, BotsCommand.self, AdaptersCommand.self, ClientsCommand.self, WebhooksCommand.self, MessagesCommand.self, UsersCommand.self, AuditCommand.self, OverviewCommand.self, AdminCommand.self,
            ConfigCommand.self,
        ]
    )
}

/// Runs the command with the exit statuses scripts rely on: 0 success, 1 an invalid proof, 2 a usage or
/// configuration error.
@main
enum TelegateMain {
    static func main() async {
        do {
            var command = try Telegate.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            if Telegate.exitCode(for: error) == .success {
                print(Telegate.fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((CLIErrorText.text(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
