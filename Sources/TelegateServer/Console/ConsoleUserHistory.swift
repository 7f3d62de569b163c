import StrictJSON
import TelegateCore

/// The "Login history" section of a user's console page: the user's events still kept in the outbox, newest first,
/// a page at a time ("Older events" follows the admin API's `next`), by the admin operation the admin API's route runs
/// (`getUserHistory`). Every value is escaped.
enum ConsoleUserHistory {
    /// The section's anchor on the user page; the pager's links land on it.
    static let anchor = "history"

    /// The labels of the details a history entry shows, in the admin API's order.
    private static let detailLabels: [(member: String, label: String)] = [
        ("proof", "proof"), ("botId", "bot"), ("adapter", "adapter"), ("client", "client"), ("provider", "provider"),
        ("changed", "changed"), ("reason", "reason"),
    ]

    /// The section for user `id` of `app`: a page of events before the visit's `before` query (the newest without it).
    static func section(_ visit: ConsoleVisit, app: String, id: String) async throws -> String {
        let before = visit.query["before"].flatMap { Int64($0) }
        let query = before.map { ["before": String($0)] } ?? [:]
        let page = try await visit.call(.get, "/apps/\(app)/users/\(id)/history", query: query)
        let events = page?["items"]?.arrayElements ?? []
        let base = "\(ConsoleRoutes.prefix)/apps/\(app)/users/\(id)"
        var main = "<h2 id=\"\(anchor)\">Login history</h2>"
        if events.isEmpty {
            main += ConsoleMarkup.empty(
                before == nil
                    ? "No events are kept for this user. Logins are recorded while a webhook endpoint of the app subscribes to user.login; events are kept for server.events.retention (30 days by default)."
                    : "No older events are kept for this user.")
        } else {
            main += ConsoleMarkup.table(
                caption: before == nil ? "Events of \(id), newest first" : "Older events of \(id)",
                headers: ["When", "Event", "Details", "Event id"],
                rows: events.map { event in
                    [
                        ConsoleMarkup.time(event["occurredAt"]?.integerValue), ConsoleMarkup.text(event["type"]?.stringValue ?? ""),
                        ConsoleMarkup.text(details(event["details"])), ConsoleMarkup.text(event["event"]?.stringValue ?? ""),
                    ]
                })
        }
        var pager: [String] = []
        if before != nil { pager.append(ConsoleMarkup.link("\(base)#\(anchor)", "Newest events")) }
        if let next = page?["next"]?.integerValue {
            pager.append(ConsoleMarkup.link("\(base)?before=\(next)#\(anchor)", "Older events"))
        }
        if !pager.isEmpty { main += "<p class=\"pager\">\(pager.joined(separator: " "))</p>" }
        return main
    }

    /// An entry's details as one line: `proof initData, bot 7000000001, adapter convex`.
    private static func details(_ value: JSONValue?) -> String {
        detailLabels.compactMap { member, label -> String? in
            guard let detail = value?[member] else { return nil }
            if let text = detail.stringValue { return "\(label) \(text)" }
            if let number = detail.integerValue { return "\(label) \(number)" }
            if let names = detail.arrayElements { return "\(label) \(names.compactMap(\.stringValue).joined(separator: ", "))" }
            return nil
        }.joined(separator: "; ")
    }
}
