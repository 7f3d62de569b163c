import ArgumentParser
import Crypto
import TelegateCore
import TelegramAuth

/// `telegate verify initdata`: HMAC with the bot token, or Ed25519 with only the bot id.
struct VerifyInitDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "initdata",
        abstract: "Verify Mini App initData.",
        discussion: """
            Without --bot-id the hash is checked with the bot token from TELEGRAM_BOT_TOKEN or --bot-token-file.
            With --bot-id, Telegram's Ed25519 signature is checked and no token is needed.
            """
    )

    @Option(help: "Check Telegram's Ed25519 signature for this bot id instead of the HMAC hash.")
    var botId: Int64?

    @Flag(help: "With --bot-id: use Telegram's test-environment public key.")
    var testEnvironment = false

    @Option(help: "With --bot-id: use this Ed25519 public key (64 hex characters) instead of Telegram's.")
    var telegramPublicKey: String?

    @OptionGroup var freshness: FreshnessOptions
    @OptionGroup var token: BotTokenOptions

    @Argument(help: "The raw initData string, or - to read it from standard input.")
    var initData: String

    func validate() throws {
        if botId == nil, testEnvironment || telegramPublicKey != nil {
            throw ValidationError("--test-environment and --telegram-public-key need --bot-id")
        }
    }

    func run() throws {
        let policy = TimePolicy.standard.freshness(maxAge: freshness.maxAge ?? FreshnessPolicy.initData.maxAge)
        let clock = freshness.now.map(WallClock.fixed) ?? .system
        let environment: TelegramEnvironment = testEnvironment ? .test : .production
        let verifier: InitDataVerifier
        var customKey: Curve25519.Signing.PublicKey?
        if let botId {
            if let telegramPublicKey {
                guard let raw = Hex.decode(telegramPublicKey), raw.count == 32,
                    let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
                else { throw CommandLineError.malformedPublicKey }
                customKey = key
            }
            verifier = InitDataVerifier(
                botID: botId, environment: environment, publicKey: customKey, freshness: policy, clock: clock)
        } else {
            verifier = InitDataVerifier(botToken: try token.requiredToken(), freshness: policy, clock: clock)
        }
        try VerificationReport.verify(initData, with: verifier.verify) { input, error in
            guard freshness.explain else { return [] }
            let diagnosis = ProofDiagnosis(
                botToken: try? token.rawToken(), botID: botId, environment: environment, customPublicKey: customKey,
                freshness: policy, clock: clock)
            return diagnosis.explainInitData(input, failure: error, mode: verifier.mode)
        }
    }
}
