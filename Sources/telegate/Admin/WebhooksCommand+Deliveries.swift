import ArgumentParser
import StrictJSON
import TelegateAdmin

/// `telegate webhooks deliveries|replay|test`: what was sent to an endpoint, sending it again, and a test event
/// (`/admin/v1/apps/{app}/webhooks/{webhook}/deliveries`, `…/replay`, `…/test`).
extension WebhooksCommand {
    /// The app and the endpoint these commands act on.
    struct Endpoint: ParsableArguments {
        @OptionGroup var owner: Owner
        @Option(help: "The endpoint id (whk_…).") var id: String

        var path: String { owner.path + "/\(id)" }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an endpoint's deliveries, newest event first, with status, attempts and the last error.")
        @OptionGroup var endpoint: Endpoint
        @Option(help: "Only deliveries with this status: pending, delivered or dead.") var status: String?
        @Option(help: "Deliveries of events before this sequence number (the `next` of a previous page).")
        var before: Int64?
        @Option(help: "At most this many.") var limit: Int?
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let query = ["status": status, "before": before.map { String($0) }, "limit": limit.map { String($0) }]
                .compactMapValues { $0 }
            try await admin.show(
                .get, endpoint.path + "/deliveries", query: query,
                columns: [
                    .init("SEQ", "seq"), .init("EVENT", "event"), .init("STATUS", "status"), .init("ATTEMPTS", "attempts"),
                    .init("LAST STATUS", "lastStatus"), .init("LAST ERROR", "lastError"),
                ], empty: "no deliveries")
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send events to an endpoint again, with the same webhook-id: one (--event) or a time range.",
            discussion: "--since and --until are Unix seconds, inclusive; --until defaults to now.")
        @OptionGroup var endpoint: Endpoint
        @Option(help: "The event to send again (evt_…).") var event: String?
        @Option(help: "Send again every event since this time (Unix seconds).") var since: Int64?
        @Option(help: "… until this time (Unix seconds).") var until: Int64?
        @OptionGroup var admin: AdminOptions

        func validate() throws {
            guard (event == nil) != (since == nil) else { throw ValidationError("give --event or --since") }
            if until != nil, since == nil { throw ValidationError("--until needs --since") }
        }

        func run() async throws {
            if let event {
                try await admin.show(.post, endpoint.path + "/deliveries/\(event)/replay")
            } else {
                let members = JSONValue.givenMembers(["since": since.map { .integer($0) }, "until": until.map { .integer($0) }])
                try await admin.show(.post, endpoint.path + "/replay", body: .object(members))
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test", abstract: "Send a webhook.test event to one endpoint.")
        @OptionGroup var endpoint: Endpoint
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await admin.show(.post, endpoint.path + "/test")
        }
    }
}
