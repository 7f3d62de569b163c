import ArgumentParser
import Foundation
import StrictJSON
import TelegateAdmin

/// `telegate messages send|batch|show`: bot messages to an app's users (`/admin/v1/apps/{app}/users/{user}/messages`,
/// `/apps/{app}/messages`, `/apps/{app}/messages/{message}`). The API checks everything; the options only build
/// its body.
struct MessagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messages", abstract: "Send bot messages to an app's users, and show how one went.",
        subcommands: [Send.self, Batch.self, Show.self])

    /// The message every send command takes: the members of the API's message, only those given.
    struct Message: ParsableArguments {
        @Option(help: "The text, 1 to 4096 characters.") var text: String
        @Option(help: "HTML, MarkdownV2 or Markdown.") var parseMode: String?
        @Flag(help: "Deliver without a notification sound.") var silent = false
        @Option(
            name: .customLong("web-app-button"),
            help: "A button that opens the Mini App, as label=https-url; each on a row of its own (repeat).")
        var webAppButtons: [String] = []

        func validate() throws {
            for button in webAppButtons where Self.split(button) == nil {
                throw ValidationError("--web-app-button takes label=url, e.g. \"Open=https://poll.example/app\"")
            }
        }

        var members: [(key: String, value: JSONValue)] {
            let rows = webAppButtons.compactMap(Self.split).map { label, url in
                JSONValue.array([.object([("text", .string(label)), ("web_app", .object([("url", .string(url))]))])])
            }
            return JSONValue.givenMembers([
                "text": .string(text), "parse_mode": parseMode.map { .string($0) },
                "buttons": rows.isEmpty ? nil : .array(rows), "silent": silent ? .bool(true) : nil,
            ])
        }

        /// `label=url` split at its first `=`; `nil` without one.
        private static func split(_ button: String) -> (String, String)? {
            guard let equals = button.firstIndex(of: "=") else { return nil }
            return (String(button[..<equals]), String(button[button.index(after: equals)...]))
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a bot message to one user; prints its id.",
            discussion: "The message is sent by the bot the user last logged in with, within Telegram's limits.")
        @Option(help: "The app id.") var app: String
        @Option(help: "The user's local id (usr_…).") var user: String
        @OptionGroup var message: Message
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await admin.show(.post, "/apps/\(app)/users/\(user)/messages", body: .object(message.members))
        }
    }

    struct Batch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue one bot message to each of up to 1000 users, all or none; prints one id per user.",
            discussion: "--users-file reads one user id (usr_…) a line; blank lines are skipped.")
        @Option(help: "The app id.") var app: String
        @Option(help: "The users' local ids, separated by commas.") var users: String?
        @Option(help: "A file of user ids, one a line.") var usersFile: String?
        @OptionGroup var message: Message
        @OptionGroup var admin: AdminOptions

        func validate() throws {
            guard (users == nil) != (usersFile == nil) else { throw ValidationError("give --users or --users-file") }
        }

        func run() async throws {
            let ids: [String]
            if let usersFile {
                let text = try String(contentsOfFile: usersFile, encoding: .utf8)
                ids = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
            } else {
                ids = (users ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            let members = [("users", JSONValue.array(ids.map { .string($0) }))] + message.members
            try await admin.show(
                .post, "/apps/\(app)/messages", body: .object(members),
                columns: [.init("USER", "user"), .init("ID", "id"), .init("STATUS", "status")])
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a bot message: its status (queued, sent, failed), attempts and the last error.")
        @Option(help: "The app id.") var app: String
        @Argument(help: "The message id (msg_…).") var message: String
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await admin.show(.get, "/apps/\(app)/messages/\(message)")
        }
    }
}
