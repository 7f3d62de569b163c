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
        discussion: """
            Every WebAppUser field can be set; flags are sent only when true, as Telegram does. The output can be \
            piped into `telegate verify initdata -` or sent to an exchange endpoint.
            """
    )

    @OptionGroup var user: SampleUserOptions
    @Option(help: "language_code: the IETF language tag of the user's Telegram client.") var languageCode: String?
    @Flag(help: "is_premium: the user has Telegram Premium.") var isPremium = false
    @Flag(help: "added_to_attachment_menu: the user added the bot to the attachment menu.") var addedToAttachmentMenu = false
    @Flag(inversion: .prefixedNo, help: "allows_write_to_pm: the user allowed the bot to message them.")
    var allowsWriteToPm = true
    @Flag(help: "is_bot: the user is a bot (Telegram sets it only for a receiver).") var isBot = false
    @Option(help: "query_id, for answerWebAppQuery.") var queryId: String?
    @Option(parsing: .unconditional, help: "chat_instance of a direct-link launch (a decimal, possibly negative).")
    var chatInstance: String?
    @Option(help: "chat_type of a direct-link launch: sender, private, group, supergroup or channel.") var chatType: String?
    @Option(help: "start_param: the startapp or startattach value.") var startParam: String?
    @OptionGroup var token: BotTokenOptions

    func run() throws {
        let signer = InitDataSigner(botToken: try token.requiredToken())
        var telegramUser = user.telegramUser
        telegramUser.languageCode = languageCode
        telegramUser.isPremium = isPremium
        telegramUser.addedToAttachmentMenu = addedToAttachmentMenu
        telegramUser.allowsWriteToPM = allowsWriteToPm
        telegramUser.isBot = isBot
        print(
            try signer.sign(
                user: telegramUser, authDate: user.authDate ?? WallClock.system.now, queryID: queryId,
                startParam: startParam, chatType: chatType, chatInstance: chatInstance))
    }
}
