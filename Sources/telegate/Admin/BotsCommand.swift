import ArgumentParser
import StrictJSON
import TelegateAdmin

/// `telegate bots …`: `/admin/v1/apps/{app}/bots`.
struct BotsCommand: AsyncParsableCommand, AppCollection {
    static let configuration = CommandConfiguration(
        commandName: "bots", abstract: "Add, list, change and remove an app's Telegram bots.",
        subcommands: [
            ListCommand<BotsCommand>.self, Add.self, UpdateCommand<Reference, Flags>.self, RemoveCommand<Reference>.self,
        ])

    typealias ItemID = Int64
    static let names = AppCollectionNames(
        path: "bots", item: "bot", argumentHelp: "The bot id.", listAbstract: "List an app's bots.",
        removeAbstract: "Remove a bot.")
    static let columns: [AdminOutput.Column] = [
        .init("ID", "id"), .init("LABEL", "label"), .init("DEFAULT", "default"), .init("MODE", "mode"),
        .init("TOKEN", "token.lastFour"), .init("FINGERPRINT", "token.fingerprint"), .init("ENVIRONMENT", "environment"),
    ]

    /// The app and the bot a command acts on.
    typealias Reference = AppItem<BotsCommand>

    struct Flags: ChangeOptions {
        static let updateAbstract = "Change a bot's label, username or Bot API URL, or make it the default."

        @Option(help: "A label for admins (prod, dev).") var label: String?
        @Option(help: "The bot's @username without @, for the Login Widget on the hosted login page.") var username: String?
        @Flag(name: .customLong("default"), help: "Exchanges without a bot in the URL use this bot.") var isDefault = false
        @Flag(help: "Telegram Login id_tokens must carry the login's nonce.") var requireNonce = false
        @Option(name: .customLong("api-url"), help: "The Bot API base URL for the bot's messages (default https://api.telegram.org).")
        var apiURL: String?
        @Flag(help: "apiURL may be plain http to a loopback host.") var allowInsecureLoopback = false
        @Flag(help: "apiURL may resolve to a private-network address.") var allowPrivateNetworks = false

        var members: [(key: String, value: JSONValue)] {
            JSONValue.givenMembers([
                "label": label.map { .string($0) }, "username": username.map { .string($0) },
                "default": isDefault ? .bool(true) : nil,
                "requireNonce": requireNonce ? .bool(true) : nil, "apiURL": apiURL.map { .string($0) },
                "allowInsecureLoopback": allowInsecureLoopback ? .bool(true) : nil,
                "allowPrivateNetworks": allowPrivateNetworks ? .bool(true) : nil,
            ])
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a bot by its token (from env:NAME, file:PATH or stdin), or by --id for Telegram-signed initData.")
        @Argument(help: "The app id.") var app: String
        @Option(help: "Where to read the bot token: env:NAME, file:PATH or stdin.") var token: String?
        @Option(help: "The bot id, to verify Telegram-signed initData without the token.") var id: Int64?
        @Option(help: "production or test (with --id).") var environment: String?
        @OptionGroup var flags: Flags
        @OptionGroup var admin: AdminOptions

        func validate() throws {
            guard (token == nil) != (id == nil) else { throw ValidationError("give either --token SOURCE or --id BOT_ID") }
        }

        func run() async throws {
            let secret = try token.map { try SecretInput($0) }
            let members = JSONValue.givenMembers([
                "token": secret.map { .string($0.value) }, "tokenReference": secret?.reference.map { .string($0) },
                "id": id.map { .integer($0) }, "environment": environment.map { .string($0) },
            ])
            try await admin.show(.post, "/apps/\(app)/bots", body: .object(members + flags.members))
        }
    }

}
