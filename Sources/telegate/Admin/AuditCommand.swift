import ArgumentParser
import TelegateAdmin

/// `telegate audit`: `/admin/v1/audit`, newest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show audit events: admin changes and security events, newest first.")

    @Option(help: "Only this app's events.") var app: String?
    @Option(help: "Only events with exactly this actor (admin:alice, local, system).") var actor: String?
    @Option(help: "Only events with exactly this action (app.created, user.disabled).") var action: String?
    @Option(help: "Events older than this sequence number (the `next` of a previous page).") var before: Int64?
    @Option(help: "At most this many.") var limit: Int?
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        let query = [
            "app": app, "actor": actor, "action": action, "before": before.map { String($0) }, "limit": limit.map { String($0) },
        ]
            .compactMapValues { $0 }
        try await admin.show(
            .get, "/audit", query: query,
            columns: [
                .init("SEQ", "sequence"), .init("AT", "at"), .init("APP", "app"), .init("ACTOR", "actor"),
                .init("ACTION", "action"), .init("TARGET", "target"), .init("OUTCOME", "outcome"),
            ], empty: "no events")
    }
}
