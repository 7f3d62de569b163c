import ArgumentParser

/// `telegate audit`: `/admin/v1/audit`, newest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show audit events: admin changes and security events, newest first.")

    @Option(help: "Only this app's events.") var app: String?
    @Option(help: "Events older than this sequence number (the `next` of a previous page).") var before: Int64?
    @Option(help: "At most this many.") var limit: Int?
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        var query: [String: String] = [:]
        if let app { query["app"] = app }
        if let before { query["before"] = String(before) }
        if let limit { query["limit"] = String(limit) }
        AdminOutput.show(
            try await admin.call(.get, "/audit", query: query), json: admin.json,
            columns: [
                .init("SEQ", "sequence"), .init("AT", "at"), .init("APP", "app"), .init("ACTOR", "actor"),
                .init("ACTION", "action"), .init("TARGET", "target"), .init("OUTCOME", "outcome"),
            ], empty: "no events")
    }
}
