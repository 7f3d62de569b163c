import ArgumentParser
import Foundation
import TelegramAuth

/// `telegate initdata …`: tools for Mini App initData.
struct InitDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "initdata",
        abstract: "Work with Mini App initData.",
        subcommands: [SignInitDataCommand.self]
    )
}

/// `telegate initdata sign`: sign initData for a sample user, for tests and local development.
struct SignInitDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Print initData for a user, signed with the bot token (TELEGRAM_BOT_TOKEN or --bot-token-file).",
        discussion: "The output can be piped into `telegate verify initdata -` or sent to an exchange endpoint."
    )

    @Option(help: "The Telegram user id.") var userId: Int64
    @Option(help: "First name.") var firstName = "Test"
    @Option(help: "Last name.") var lastName: String?
    @Option(help: "Username, without @.") var username: String?
    @Option(help: "auth_date (Unix seconds); now when omitted.") var authDate: Int64?
    @Option(help: "start_param.") var startParam: String?
    @Option(help: "query_id.") var queryId: String?
    @OptionGroup var token: BotTokenOptions

    func validate() throws {
        guard userId >= 1, userId <= TelegramUser.maximumID else {
            throw ValidationError("--user-id must be between 1 and \(TelegramUser.maximumID)")
        }
    }

    func run() throws {
        let signer = InitDataSigner(botToken: try token.requiredToken())
        let user = TelegramUser(
            id: userId, firstName: firstName, lastName: lastName, username: username, allowsWriteToPM: true)
        print(
            try signer.sign(
                user: user, authDate: authDate ?? WallClock.system.now, queryID: queryId, startParam: startParam))
    }
}
