import ArgumentParser
import TelegateCore
import TelegramAuth

/// `telegate verify widget`: legacy Login Widget data in any of its shapes.
struct VerifyWidgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "widget",
        abstract: "Verify Login Widget data: query parameters, the callback's JSON object, or a tgAuthResult value.",
        discussion: "The bot token comes from TELEGRAM_BOT_TOKEN or --bot-token-file."
    )

    @OptionGroup var freshness: FreshnessOptions
    @OptionGroup var token: BotTokenOptions

    @Argument(help: "The widget data, or - to read it from standard input.")
    var input: String

    func run() throws {
        let botToken = try token.requiredRawToken()
        let policy = TimePolicy.standard.freshness(maxAge: freshness.maxAge ?? FreshnessPolicy.widget.maxAge)
        let clock = freshness.now.map(WallClock.fixed) ?? .system
        let verifier = WidgetVerifier(botToken: botToken, freshness: policy, clock: clock)
        try VerificationReport.verify(input, with: verifier.verify) { text, error in
            freshness.explain
                ? ProofDiagnosis(botToken: botToken, botID: nil, freshness: policy, clock: clock)
                    .explainWidget(text, failure: error) : []
        }
    }
}
