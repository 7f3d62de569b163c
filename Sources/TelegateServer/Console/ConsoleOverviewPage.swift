import Foundation
import Hummingbird
import StrictJSON
import TelegateCore

/// `/console/overview`: this instance's last hour as small charts (exchanges by result and by adapter, p50/p99
/// latency, upstream errors by adapter, the webhook queue's depth), of every app or one, read by the admin operation
/// the admin API's route runs (`readOverview`). The script refreshes the charts; a link reloads them without it.
struct ConsoleOverviewPage: Sendable {
    let routes: ConsoleRoutes

    /// The result families in the order their series are drawn, with their legend names.
    static let families: [(MetricsHistory.Family, String)] = [
        (.ok, "ok"), (.refused, "refused (4xx)"), (.upstream, "upstream errors"), (.server, "server errors"),
    ]

    func register(on router: Router<TelegateRequestContext>) {
        routes.page(ConsoleRoutes.prefix + "/overview", on: router) { visit, _ in try await page(visit) }
    }

    private func page(_ visit: ConsoleVisit) async throws -> ConsolePage {
        let app = visit.query["app"].map(ConsoleVisit.segment).flatMap { $0.isEmpty ? nil : $0 }
        let overview = try await visit.call(.get, "/overview", query: app.map { ["app": $0] } ?? [:])
        let apps = try await visit.call(.get, "/apps")?["items"]?.arrayElements?.compactMap { $0["id"]?.stringValue } ?? []
        let now = overview?["at"]?.integerValue ?? 0
        let points = overview?["points"]?.arrayElements ?? []
        let shown = overview?["app"]?.stringValue
        let here = "\(ConsoleRoutes.prefix)/overview" + (app.map { "?app=\($0)" } ?? "")
        var main = "<p>This instance's exchanges over the last hour, a bar a minute (the last one is the minute so far). "
            + "Each instance counts its own: behind a load balancer, look at each (or at <code>/metrics</code>).</p>"
        if visit.principal.appID == nil, apps.count > 1 {
            let options = ([("", "All apps")] + apps.map { ($0, $0) }).map { value, label in
                let selected = value == (app ?? "") ? " selected" : ""
                return "<option value=\"\(ConsoleMarkup.text(value))\"\(selected)>\(ConsoleMarkup.text(label))</option>"
            }.joined()
            main += """
                <form method="get" action="\(ConsoleRoutes.prefix)/overview" class="filters" aria-label="Choose the app">
                <div class="field"><label for="overview-app">App</label><select id="overview-app" name="app">\(options)</select></div>
                <button type="submit" class="primary">Show</button>
                </form>
                """
        }
        main += "<section id=\"charts\" class=\"charts\" data-refresh=\"\(ConsoleMarkup.text(here))\">"
        main += "<p class=\"pager\">\(shown.map { "App \(ConsoleMarkup.text($0)), as of " } ?? "As of ")"
            + "\(ConsoleMarkup.time(now)) · \(ConsoleMarkup.link(here, "Reload"))</p>"
        main += charts(points, now: now, app: shown)
        main += "</section>"
        return ConsolePage(title: "Overview", section: .overview, main: main)
    }

    private func charts(_ points: [JSONValue], now: Int64, app: String?) -> String {
        let times = points.map { $0["at"]?.integerValue ?? 0 }
        func counts(_ member: String, _ key: String) -> [Double?] {
            points.map { Double($0[member]?[key]?.integerValue ?? 0) }
        }
        func names(_ member: String) -> [String] {
            Array(Set(points.flatMap { $0[member]?.objectMembers?.map(\.key) ?? [] })).sorted()
        }
        func chart(_ id: String, _ title: String, _ kind: ConsoleChart.Kind, _ series: [ConsoleChart.Series], format: @escaping (Double) -> String)
            -> String
        {
            ConsoleChart(id: id, title: title, kind: kind, times: times, series: series, now: now, format: format).markup
        }
        let whole: (Double) -> String = { String(Int($0)) }
        let milliseconds: (Double) -> String = { Self.milliseconds($0) }
        var markup = ""
        if points.allSatisfy({ ($0["exchanges"]?.integerValue ?? 0) == 0 }) {
            let path = "/v1/apps/\(app ?? "{app}")/exchange"
            markup += ConsoleMarkup.empty(
                "No exchanges in the last hour on this instance. Run one with POST \(path) (initData from a Mini App, or "
                    + "telegate init-data for a test), then reload.")
        } else {
            markup += chart(
                "results", "Exchanges per minute by result", .bars,
                Self.families.map { family, name in ConsoleChart.Series(name: name, values: counts("results", family.rawValue)) },
                format: whole)
            markup += chart(
                "adapters", "Exchanges per minute by adapter", .bars,
                names("adapters").map { ConsoleChart.Series(name: $0, values: counts("adapters", $0)) }, format: whole)
            markup += chart(
                "latency", "Latency (p50, p99)", .lines,
                ["p50", "p99"].map { quantile in
                    ConsoleChart.Series(name: quantile, values: points.map { point in point[quantile].flatMap(Self.seconds) })
                }, format: milliseconds)
            let upstream = names("upstreamErrors")
            if upstream.isEmpty {
                markup += "<h2>Upstream errors</h2>" + ConsoleMarkup.empty("No upstream errors in the last hour.")
            } else {
                markup += chart(
                    "upstream", "Upstream errors per minute by adapter", .bars,
                    upstream.map { ConsoleChart.Series(name: $0, values: counts("upstreamErrors", $0)) }, format: whole)
            }
        }
        markup += chart(
            "queue", "Webhook deliveries pending (every app)", .lines,
            [ConsoleChart.Series(name: "pending", values: points.map { point in point["queueDepth"]?.integerValue.map { Double($0) } })],
            format: whole)
        return markup
    }

    private static func seconds(_ value: JSONValue) -> Double? {
        guard case .number(let text) = value else { return value.integerValue.map { Double($0) } }
        return Double(text)
    }

    /// Seconds as milliseconds: `0.42 ms`, `12 ms`, `2500 ms`.
    static func milliseconds(_ seconds: Double) -> String {
        let value = seconds * 1000
        if value < 10 { return String(format: "%.2f ms", value) }
        return "\(Int(value.rounded())) ms"
    }
}
