import Foundation
import StrictJSON
import TelegateCore
import TelegramAuth

/// Zero-configuration start: SQLite and a generated master key under `./.telegate/`, an app `demo` with a
/// generated test bot token and the built-in issuer, and a ready-to-run `curl` to try it.
public enum Quickstart {
    /// The folder quickstart state lives in.
    public static let directory = ".telegate"
    /// The quickstart's generated master key.
    public static let masterKeyPath = "\(directory)/master.key"

    /// The quickstart configuration; creates the master key and the demo bot token on first use.
    public static func configuration() throws -> TelegateConfiguration {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keyPath = masterKeyPath
        if !FileManager.default.fileExists(atPath: keyPath) {
            try writeSecret(MasterKey.generate().base64, to: keyPath)
        }
        let tokenPath = "\(directory)/demo-bot-token"
        if !FileManager.default.fileExists(atPath: tokenPath) {
            try writeSecret(generateTestBotToken(), to: tokenPath)
        }
        let adapterConfig = JSONValue.object([
            ("audience", .string("convex")), ("algorithm", .string("RS256")),
        ])
        let app = AppSpec(
            settings: AppSettings(id: AppID(rawValue: "demo")!),
            bots: [BotSpec(token: .file(tokenPath), label: "demo", isDefault: true)],
            adapters: [.init(name: AdapterName(rawValue: "oidc")!, kind: "oidc", isDefault: true, config: adapterConfig)])
        return TelegateConfiguration(
            databaseURL: "sqlite://\(directory)/telegate.sqlite", masterKey: .file(keyPath), apps: [app])
    }

    /// What quickstart prints once the server listens, after ``RunningSummary``: where its state is and a `curl`
    /// that works now.
    public static func banner(publicURL: String) throws -> String {
        let token = try BotToken(try SecretReference.file("\(directory)/demo-bot-token").resolve())
        let user = TelegramUser(
            id: 279_058_397, firstName: "Ada", lastName: "Lovelace", username: "ada", languageCode: "en",
            allowsWriteToPM: true)
        let initData = try InitDataSigner(botToken: token).sign(
            user: user, authDate: WallClock.system.now, queryID: "AAHdF6IQAAAAAN0XohDhrOrc")
        let body = JSONValue.object([("initData", .string(initData))]).serialized
        let issuer = "\(publicURL)/apps/demo"
        return """

            Quickstart: no telegate.yaml, so the state is in ./\(directory)/ (master key, database, and the token of
            app "demo"'s test bot \(token.botID) in ./\(directory)/demo-bot-token).

            Exchange freshly signed initData (valid for one hour) for tokens:

              curl -sS -X POST \(publicURL)/v1/apps/demo/exchange -H 'Content-Type: application/json' \\
                -d '\(body)'

            Convex: convex/auth.config.ts

              export default {
                providers: [{ domain: "\(issuer)", applicationID: "convex" }],
              };

            Sign more initData: TELEGRAM_BOT_TOKEN=$(cat \(directory)/demo-bot-token) telegate initdata sign --user-id 42

            """
    }

    /// A bot token in Telegram's shape for a test bot: a 10-digit id and 35 random URL-safe characters.
    static func generateTestBotToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let id = UInt64.random(in: 1_000_000_000...9_999_999_999, using: &generator)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let secret = String((0..<35).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        return "\(id):AA\(secret.dropFirst(2))"
    }

    private static func writeSecret(_ value: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError("cannot write \(path)") }
    }
}
