import ArgumentParser
import StrictJSON

/// `telegate bots …`: `/admin/v1/apps/{app}/bots`.
struct BotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bots", abstract: "Add, list, change and remove an app's Telegram bots.",
        subcommands: [List.self, Add.self, Update.self, Remove.self])

    static let columns: [AdminOutput.Column] = [
        .init("ID", "id"), .init("LABEL", "label"), .init("DEFAULT", "default"), .init("MODE", "mode"),
        .init("TOKEN", "token.lastFour"), .init("FINGERPRINT", "token.fingerprint"), .init("ENVIRONMENT", "environment"),
    ]

    struct Flags: ParsableArguments {
        @Option(help: "A label for admins (prod, dev).") var label: String?
        @Flag(name: .customLong("default"), help: "Exchanges without a bot in the URL use this bot.") var isDefault = false
        @Flag(help: "Telegram Login id_tokens must carry the login's nonce.") var requireNonce = false

        var members: [(key: String, value: JSONValue)] {
            var members: [(key: String, value: JSONValue)] = []
            if let label { members.append(("label", .string(label))) }
            if isDefault { members.append(("default", .bool(true))) }
            if requireNonce { members.append(("requireNonce", .bool(true))) }
            return members
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an app's bots.")
        @Argument(help: "The app id.") var app: String
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            AdminOutput.show(try await admin.call(.get, "/apps/\(app)/bots"), json: admin.json, columns: BotsCommand.columns)
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
            var members: [(key: String, value: JSONValue)] = []
            if let token {
                let secret = try SecretInput(token)
                members.append(("token", .string(secret.value)))
                if let reference = secret.reference { members.append(("tokenReference", .string(reference))) }
            }
            if let id { members.append(("id", .integer(id))) }
            if let environment { members.append(("environment", .string(environment))) }
            let reply = try await admin.call(.post, "/apps/\(app)/bots", body: .object(members + flags.members))
            AdminOutput.show(reply, json: admin.json, columns: [])
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a bot's label or make it the default.")
        @Argument(help: "The app id.") var app: String
        @Argument(help: "The bot id.") var bot: Int64
        @OptionGroup var flags: Flags
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let reply = try await admin.call(.patch, "/apps/\(app)/bots/\(bot)", body: .object(flags.members))
            AdminOutput.show(reply, json: admin.json, columns: [])
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a bot.")
        @Argument(help: "The app id.") var app: String
        @Argument(help: "The bot id.") var bot: Int64
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            _ = try await admin.call(.delete, "/apps/\(app)/bots/\(bot)")
            if !admin.json { print("removed bot \(bot) from \(app)") }
        }
    }
}
