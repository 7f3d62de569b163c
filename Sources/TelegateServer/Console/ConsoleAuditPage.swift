import Foundation
import Hummingbird
import StrictJSON
import TelegateCore

/// `/console/audit`: the audit log, newest first, filtered by app, actor and action, a page at a time, read by the
/// admin operation the admin API's route runs (`listAuditEvents`).
struct ConsoleAuditPage: Sendable {
    let routes: ConsoleRoutes

    static let filters = [("app", "App"), ("actor", "Actor"), ("action", "Event")]

    func register(on router: Router<TelegateRequestContext>) {
        routes.page(ConsoleRoutes.prefix + "/audit", on: router) { visit, _ in try await page(visit) }
    }

    private func page(_ visit: ConsoleVisit) async throws -> ConsolePage {
        var query: [String: String] = [:]
        for (name, _) in Self.filters { if let value = visit.query[name], !value.isEmpty { query[name] = value } }
        let filtered = query
        if let before = visit.query["before"] { query["before"] = before }
        let page = try await visit.call(.get, "/audit", query: query)
        let events = page?["items"]?.arrayElements ?? []
        let inputs = Self.filters.map { name, label in
            "<div class=\"field\"><label for=\"filter-\(name)\">\(label)</label>"
                + "<input type=\"text\" id=\"filter-\(name)\" name=\"\(name)\" value=\"\(ConsoleMarkup.text(filtered[name] ?? ""))\" "
                + "autocomplete=\"off\"></div>"
        }.joined()
        var main = """
            <form method="get" action="\(ConsoleRoutes.prefix)/audit" class="filters" aria-label="Filter the audit log">
            \(inputs)
            <button type="submit" class="primary">Filter</button>
            </form>
            """
        if events.isEmpty {
            main += ConsoleMarkup.empty(
                filtered.isEmpty
                    ? "No events yet. Every admin change and security event is recorded here."
                    : "No event matches. Actor and event match exactly (admin:root, app.created); clear a filter to see more.")
        } else {
            let rows = events.map { event -> [String] in
                [
                    ConsoleMarkup.time(event["at"]?.integerValue), ConsoleMarkup.text(event["app"]?.stringValue ?? ""),
                    ConsoleMarkup.text(event["actor"]?.stringValue ?? ""), "<code>\(ConsoleMarkup.text(event["action"]?.stringValue ?? ""))</code>",
                    ConsoleMarkup.text(event["target"]?.stringValue ?? ""), ConsoleMarkup.text(event["outcome"]?.stringValue ?? ""),
                ]
            }
            main += ConsoleMarkup.table(
                caption: "Audit events, newest first", headers: ["When", "App", "Actor", "Event", "Target", "Outcome"], rows: rows)
        }
        if let next = page?["next"]?.integerValue {
            let items = (filtered.sorted { $0.key < $1.key } + [("before", String(next))]).map {
                "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }
            main += "<p class=\"pager\">\(ConsoleMarkup.link("\(ConsoleRoutes.prefix)/audit?" + items.joined(separator: "&"), "Older events"))</p>"
        }
        return ConsolePage(title: "Audit log", section: .audit, main: main)
    }
}
