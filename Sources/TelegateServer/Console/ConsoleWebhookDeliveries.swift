import Foundation
import Hummingbird
import StrictJSON
import TelegateCore

/// The deliveries of one webhook endpoint on its console page: how many are pending, the deliveries newest event
/// first (filtered by status, a page at a time) and sending them again, one event or every event of the last hours,
/// by the admin operations the admin API's routes run (`listWebhookDeliveries`, `replayWebhookDelivery`,
/// `replayWebhookDeliveries`). Every value shown is escaped, the receiver's error text included.
struct ConsoleWebhookDeliveries: Sendable {
    let routes: ConsoleRoutes

    static let statuses = ["pending", "delivered", "dead"]
    /// The most pending deliveries counted one by one; beyond it the page says "at least".
    static let countedPending = 500
    static let hoursField = ConsoleField(
        "hours", member: nil, "Hours back", .number,
        hint: "Every event of this endpoint created in the last hours is sent again, delivered or not.", required: true)

    func register(on router: Router<TelegateRequestContext>) {
        let prefix = ConsoleRoutes.prefix
        routes.form(prefix + "/apps/:app/webhooks/:webhook/deliveries/:event/replay", on: router) { visit, _, context in
            let (app, id) = (ConsoleWebhookPages.app(context), ConsoleWebhookPages.webhook(context))
            let event = ConsoleVisit.segment(context.parameters.get("event") ?? "")
            let replayed = try await visit.call(.post, "/apps/\(app)/webhooks/\(id)/deliveries/\(event)/replay")
            return .redirect(Self.replayed(app: app, webhook: id, count: replayed?["replayed"]?.integerValue))
        }
        routes.form(prefix + "/apps/:app/webhooks/:webhook/replay", on: router) { visit, form, context in
            let (app, id) = (ConsoleWebhookPages.app(context), ConsoleWebhookPages.webhook(context))
            do {
                guard let hours = Int64(form[Self.hoursField.name]?.trimmingCharacters(in: .whitespaces) ?? ""),
                    (1...8_760).contains(hours)
                else {
                    throw TelegateError(.invalidField, "hours must be a whole number from 1 to 8760", reason: "invalid_value")
                }
                let body = JSONValue.object([("since", .integer(routes.clock.now - hours * 3_600))])
                let replayed = try await visit.call(.post, "/apps/\(app)/webhooks/\(id)/replay", body: body)
                return .redirect(Self.replayed(app: app, webhook: id, count: replayed?["replayed"]?.integerValue))
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "replay-range", fields: [Self.hoursField], values: form)
                return .page(
                    try await ConsoleWebhookPages(routes: routes).endpoint(visit, app: app, id: id, failure: failure, notice: ""))
            }
        }
    }

    private static func replayed(app: String, webhook: String, count: Int64?) -> String {
        "\(ConsoleRoutes.prefix)/apps/\(app)/webhooks/\(webhook)?done=replayed&count=\(count ?? 0)#deliveries"
    }

    /// The deliveries section of endpoint `webhook`'s page, filtered by the page's `status` and paged by its `before`.
    static func section(_ visit: ConsoleVisit, app: String, webhook: String, failure: ConsoleFailure?) async throws -> String {
        let path = "/apps/\(app)/webhooks/\(webhook)/deliveries"
        let base = "\(ConsoleRoutes.prefix)/apps/\(app)/webhooks/\(webhook)"
        let pending = try await visit.call(.get, path, query: ["status": "pending", "limit": String(countedPending)])
        let pendingCount = pending?["items"]?.arrayElements?.count ?? 0
        let status = visit.query["status"].flatMap { statuses.contains($0) ? $0 : nil }
        var query: [String: String] = [:]
        if let status { query["status"] = status }
        if let before = visit.query["before"].flatMap({ Int64($0) }) { query["before"] = String(before) }
        let page = try await visit.call(.get, path, query: query)
        let deliveries = page?["items"]?.arrayElements ?? []

        var main = "<h2 id=\"deliveries\">Deliveries</h2>"
        let queued = pending?["next"] != nil ? "at least \(pendingCount)" : String(pendingCount)
        main += "<p>Pending (being sent or waiting for a retry): <strong>\(ConsoleMarkup.text(queued))</strong></p>"
        let filters = ([("All", nil)] + statuses.map { ($0.prefix(1).uppercased() + $0.dropFirst(), Optional($0)) })
            .map { label, value -> String in
                let href = base + (value.map { "?status=\($0)" } ?? "") + "#deliveries"
                let current = value == status ? " aria-current=\"page\"" : ""
                return "<li><a href=\"\(ConsoleMarkup.text(href))\"\(current)>\(ConsoleMarkup.text(label))</a></li>"
            }.joined()
        main += "<nav aria-label=\"Delivery status\" class=\"filters\"><ul>\(filters)</ul></nav>"
        if deliveries.isEmpty {
            main += ConsoleMarkup.empty(
                status == nil
                    ? "No deliveries yet. Events the endpoint subscribes to appear here; send a test event to try it."
                    : "No \(status ?? "") deliveries. Choose All to see every delivery.")
        } else {
            let rows = deliveries.map { delivery -> [String] in
                let event = delivery["event"]?.stringValue ?? ""
                var cells = [
                    "<code>\(ConsoleMarkup.text(event))</code>", ConsoleMarkup.text(delivery["status"]?.stringValue ?? ""),
                    ConsoleMarkup.text(String(delivery["attempts"]?.integerValue ?? 0)),
                    ConsoleMarkup.text(delivery["lastStatus"]?.integerValue.map(String.init) ?? "—"),
                    ConsoleMarkup.text(delivery["lastError"]?.stringValue ?? ""),
                    ConsoleMarkup.time(delivery["nextAttemptAt"]?.integerValue),
                    ConsoleMarkup.time(delivery["deliveredAt"]?.integerValue), ConsoleMarkup.time(delivery["createdAt"]?.integerValue),
                ]
                if visit.mayWrite {
                    let action = "\(base)/deliveries/\(ConsoleVisit.segment(event))/replay"
                    cells.append(
                        "<form class=\"inline\" method=\"post\" action=\"\(ConsoleMarkup.text(action))\">"
                            + "<input type=\"hidden\" name=\"\(ConsoleRoutes.csrfField)\" value=\"\(ConsoleMarkup.text(visit.csrf))\">"
                            + "<button type=\"submit\" aria-label=\"Replay \(ConsoleMarkup.text(event))\">Replay</button></form>")
                }
                return cells
            }
            let headers =
                ["Event", "Status", "Attempts", "Last response", "Last error", "Next attempt", "Delivered", "Created"]
                + (visit.mayWrite ? ["Actions"] : [])
            main += ConsoleMarkup.table(caption: "Deliveries, newest event first", headers: headers, rows: rows)
        }
        if let next = page?["next"]?.integerValue {
            let href = base + "?" + (status.map { "status=\($0)&" } ?? "") + "before=\(next)#deliveries"
            main += "<p class=\"pager\">\(ConsoleMarkup.link(href, "Older deliveries"))</p>"
        }
        if visit.mayWrite {
            main += "<h3>Replay the last hours</h3>"
                + ConsoleMarkup.form(
                    id: "replay-range", action: base + "/replay", csrf: visit.csrf,
                    content: ConsoleMarkup.input(hoursField, form: "replay-range", value: "24", failure: failure),
                    submit: "Replay events", failure: failure)
        }
        return main
    }
}
