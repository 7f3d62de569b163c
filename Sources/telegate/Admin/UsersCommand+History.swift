import ArgumentParser
import Foundation
import TelegateAdmin

/// `telegate users history`: a user's events still kept in the outbox, newest first
/// (`/admin/v1/apps/{app}/users/{user}/history`).
extension UsersCommand {
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a user's history (created, logins while a webhook subscribes to them, links, disables…), newest first.",
            discussion: "When the page is full, the --before for the next page is printed on standard error.")
        @OptionGroup var target: Reference
        @Option(help: "At most this many (1–200, default 50).") var limit: Int?
        @Option(help: "Events before this sequence number (the `next` of a previous page).") var before: Int64?
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let query = ["before": before.map { String($0) }, "limit": limit.map { String($0) }].compactMapValues { $0 }
            let reply = try await admin.show(
                .get, try await target.path(admin) + "/history", query: query,
                columns: [
                    .init("SEQ", "seq"), .init("WHEN", "occurredAt"), .init("TYPE", "type"), .init("EVENT", "event"),
                    .init("DETAILS", "details"),
                ], empty: "no events kept for this user")
            if !admin.json, let next = reply?["next"]?.integerValue {
                FileHandle.standardError.write(Data("older events follow: repeat with --before \(next)\n".utf8))
            }
        }
    }
}
