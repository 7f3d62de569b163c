import ArgumentParser
import TelegramAuth

/// `telegate widget …`: tools for Login Widget data.
struct WidgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "widget",
        abstract: "Work with Login Widget data.",
        subcommands: [SignWidgetCommand.self]
    )
}

/// `telegate widget sign`: Login Widget data for a sample user, in any of the shapes Telegram delivers it.
struct SignWidgetCommand: ParsableCommand {
    /// The shapes of Login Widget data.
    enum Shape: String, ExpressibleByArgument, CaseIterable {
        /// The redirect's query parameters (`data-auth-url`, `LoginUrl` buttons).
        case query
        /// The `data-onauth` callback's JSON object.
        case json
        /// The `#tgAuthResult=` fragment of `oauth.telegram.org/auth`: that object in base64url.
        case tgAuthResult
    }

    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Print Login Widget data for a user, signed with the bot token (TELEGRAM_BOT_TOKEN or --bot-token-file).",
        discussion: """
            --format query prints the redirect's query string, json the callback's object, tgAuthResult the value \
            of the #tgAuthResult= fragment. Each can be piped into `telegate verify widget -` or sent as "widget" \
            to an exchange endpoint.
            """
    )

    @OptionGroup var user: SampleUserOptions
    @Option(help: "query, json or tgAuthResult.") var format: Shape = .query
    @OptionGroup var token: BotTokenOptions

    func run() throws {
        let signer = WidgetSigner(botToken: try token.requiredToken().secretText)
        let authDate = user.authDate ?? WallClock.system.now
        let data =
            switch format {
            case .query: try signer.queryString(user: user.telegramUser, authDate: authDate)
            case .json: try signer.jsonObject(user: user.telegramUser, authDate: authDate)
            case .tgAuthResult: try signer.tgAuthResult(user: user.telegramUser, authDate: authDate)
            }
        print(data)
    }
}
