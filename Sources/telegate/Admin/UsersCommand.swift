import ArgumentParser
import Foundation
import StrictJSON

/// `telegate users …`: `/admin/v1/apps/{app}/users`. Commands that act on one user take its local id, or a
/// Telegram id or `@username` that finds exactly one user.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "List, find, inspect, disable, enable, unlink and erase users.",
        subcommands: [List.self, Get.self, Disable.self, Enable.self, Unlink.self, Erase.self])

    static let columns: [AdminOutput.Column] = [
        .init("ID", "id"), .init("TELEGRAM ID", "telegramId"), .init("USERNAME", "username"), .init("NAME", "firstName"),
        .init("STATUS", "status"), .init("LAST LOGIN", "lastLoginAt"), .init("PROOF", "lastProof"),
    ]

    /// The local id of the user `reference` names: a local id as is, otherwise the single search result.
    static func userID(_ reference: String, app: String, admin: AdminOptions) async throws -> String {
        if reference.hasPrefix("usr_") { return reference }
        let found = try await admin.call(.get, "/apps/\(app)/users", query: ["q": reference])?["items"]?.arrayElements ?? []
        guard found.count == 1, let id = found[0]["id"]?.stringValue else {
            throw ValidationError(
                found.isEmpty ? "no user matches \(reference)" : "\(found.count) users match \(reference); use the local id")
        }
        return id
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List users newest first, a page at a time, or find them by local id, Telegram id or username.",
            discussion: "When more users follow, the --cursor for the next page is printed on standard error.",
            aliases: ["search"])
        @Argument(help: "The app id.") var app: String
        @Argument(help: "usr_…, a Telegram id, or a username (with or without @); without it, every user.") var query: String?
        @Option(help: "At most this many (1–200, default 50).") var limit: Int?
        @Option(help: "Continue after the page that printed this cursor.") var cursor: String?
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            var parameters: [String: String] = [:]
            if let query { parameters["q"] = query }
            if let limit { parameters["limit"] = String(limit) }
            if let cursor { parameters["cursor"] = cursor }
            let reply = try await admin.call(.get, "/apps/\(app)/users", query: parameters)
            AdminOutput.show(reply, json: admin.json, columns: UsersCommand.columns, empty: "no user matches")
            if !admin.json, let next = reply?["nextCursor"]?.stringValue {
                FileHandle.standardError.write(Data("more users follow: repeat with --cursor \(next)\n".utf8))
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user with provider links and refresh-token families.")
        @Argument(help: "The app id.") var app: String
        @Argument(help: "The user: usr_…, a Telegram id or @username.") var user: String
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let id = try await UsersCommand.userID(user, app: app, admin: admin)
            AdminOutput.show(try await admin.call(.get, "/apps/\(app)/users/\(id)"), json: admin.json, columns: [])
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: exchanges are refused, every session ends.")
        @Argument(help: "The app id.") var app: String
        @Argument(help: "The user: usr_…, a Telegram id or @username.") var user: String
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let id = try await UsersCommand.userID(user, app: app, admin: admin)
            AdminOutput.show(try await admin.call(.post, "/apps/\(app)/users/\(id)/disable"), json: admin.json, columns: [])
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user.")
        @Argument(help: "The app id.") var app: String
        @Argument(help: "The user: usr_…, a Telegram id or @username.") var user: String
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let id = try await UsersCommand.userID(user, app: app, admin: admin)
            AdminOutput.show(try await admin.call(.post, "/apps/\(app)/users/\(id)/enable"), json: admin.json, columns: [])
        }
    }

    struct Unlink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user's link to one adapter's provider user.")
        @Argument(help: "The app id.") var app: String
        @Argument(help: "The user: usr_…, a Telegram id or @username.") var user: String
        @Argument(help: "The adapter name.") var adapter: String
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let id = try await UsersCommand.userID(user, app: app, admin: admin)
            _ = try await admin.call(.delete, "/apps/\(app)/users/\(id)/links/\(adapter)")
            if !admin.json { print("unlinked \(id) from \(adapter)") }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a user: mapping, provider links and refresh tokens (--at-provider: provider users too).")
        @Argument(help: "The app id.") var app: String
        @Argument(help: "The user: usr_…, a Telegram id or @username.") var user: String
        @Flag(help: "Also delete the users the adapters created at their providers, where supported.") var atProvider = false
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let id = try await UsersCommand.userID(user, app: app, admin: admin)
            let reply = try await admin.call(
                .delete, "/apps/\(app)/users/\(id)", query: atProvider ? ["atProvider": "true"] : [:])
            AdminOutput.show(reply, json: admin.json, columns: [])
        }
    }
}
