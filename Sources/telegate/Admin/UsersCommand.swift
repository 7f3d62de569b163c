import ArgumentParser
import Foundation
import StrictJSON
import TelegateAdmin

/// `telegate users …`: `/admin/v1/apps/{app}/users`. Commands that act on one user take its local id, or a
/// Telegram id or `@username` that finds exactly one user.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "List, find, inspect, disable, enable, unlink and erase users; show their history.",
        subcommands: [
            List.self, GetCommand<Reference>.self, ActionCommand<Reference, Disable>.self,
            ActionCommand<Reference, Enable>.self, Unlink.self, Erase.self, History.self,
        ])

    static let columns: [AdminOutput.Column] = [
        .init("ID", "id"), .init("TELEGRAM ID", "telegramId"), .init("USERNAME", "username"), .init("NAME", "firstName"),
        .init("STATUS", "status"), .init("LAST LOGIN", "lastLoginAt"), .init("PROOF", "lastProof"),
    ]

    /// The app and the user a command acts on: a local id, or a Telegram id or `@username` that finds exactly
    /// one user.
    struct Reference: ShownTarget {
        static let shownAbstract = "Show a user with provider links and refresh-token families."

        @OptionGroup var owner: AppsCommand.Reference
        @Argument(help: "The user: usr_…, a Telegram id or @username.") var user: String

        /// The user's local id: a local id as is, otherwise the single search result.
        func id(_ admin: AdminOptions) async throws -> String {
            if user.hasPrefix("usr_") { return user }
            let found = try await admin.call(.get, owner.path(admin) + "/users", query: ["q": user])?["items"]?.arrayElements ?? []
            guard found.count == 1, let id = found[0]["id"]?.stringValue else {
                throw ValidationError(
                    found.isEmpty ? "no user matches \(user)" : "\(found.count) users match \(user); use the local id")
            }
            return id
        }

        func path(_ admin: AdminOptions) async throws -> String {
            let id = try await id(admin)
            return owner.path(admin) + "/users/\(id)"
        }
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
            let parameters = ["q": query, "limit": limit.map { String($0) }, "cursor": cursor].compactMapValues { $0 }
            let reply = try await admin.show(
                .get, "/apps/\(app)/users", query: parameters, columns: UsersCommand.columns, empty: "no user matches")
            if !admin.json, let next = reply?["nextCursor"]?.stringValue {
                FileHandle.standardError.write(Data("more users follow: repeat with --cursor \(next)\n".utf8))
            }
        }
    }

    enum Disable: AdminAction {
        static let configuration = CommandConfiguration(
            commandName: "disable", abstract: "Disable a user: exchanges are refused, every session ends.")
        static let request = (method: AdminMethod.post, suffix: "/disable")
    }

    enum Enable: AdminAction {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled user.")
        static let request = (method: AdminMethod.post, suffix: "/enable")
    }

    struct Unlink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user's link to one adapter's provider user.")
        @OptionGroup var target: Reference
        @Argument(help: "The adapter name.") var adapter: String
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let id = try await target.id(admin)
            try await admin.perform(
                .delete, "/apps/\(target.owner.app)/users/\(id)/links/\(adapter)", done: "unlinked \(id) from \(adapter)")
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a user: mapping, provider links and refresh tokens (--at-provider: provider users too).")
        @OptionGroup var target: Reference
        @Flag(help: "Also delete the users the adapters created at their providers, where supported.") var atProvider = false
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await admin.show(.delete, try await target.path(admin), query: atProvider ? ["atProvider": "true"] : [:])
        }
    }
}
