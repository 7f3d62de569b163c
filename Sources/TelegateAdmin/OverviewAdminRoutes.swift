import StrictJSON
import TelegateCore

/// `/overview`: this instance's last hour, minute by minute, from its own metrics (``MetricsHistory``): exchanges by
/// result family and adapter, p50 and p99 latency, upstream errors by adapter, the webhook queue's depth.
struct OverviewAdminRoutes {
    let backend: AdminBackend

    var routes: [AdminRoute] {
        [
            AdminRoute(
                .get, "/overview", "readOverview",
                "This instance's last hour, a point a minute (the last one partial): exchanges by result and adapter, p50/p99 latency in seconds, upstream errors by adapter, pending webhook deliveries",
                query: ["app"]
            ) { call in
                var app: AppID?
                if let name = call.query("app"), !name.isEmpty {
                    guard let id = AppID(rawValue: name) else { throw AdminBackend.appNotFound }
                    guard call.principal.maySee(id) else {
                        await backend.denied(call, appID: id)
                        throw AdminBackend.appNotFound
                    }
                    app = id
                }
                // A token restricted to one app sees only that app's exchanges.
                app = app ?? call.principal.appID
                let now = backend.services.clock.now
                let points = await backend.services.metricsHistory.points(app: app?.rawValue, at: now)
                var members: [(key: String, value: JSONValue)] = []
                if let app { members.append(("app", .string(app.rawValue))) }
                members.append(("at", .integer(now)))
                members.append(("points", .array(points.map(Self.json))))
                return .object(members)
            }
        ]
    }

    private static func json(_ point: MetricsHistory.Point) -> JSONValue {
        func counts(_ values: [String: Int]) -> JSONValue {
            .object(values.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })
        }
        var members: [(key: String, value: JSONValue)] = [
            ("from", .integer(point.from)), ("at", .integer(point.at)), ("exchanges", .integer(Int64(point.exchanges))),
            ("results", counts(point.results)), ("adapters", counts(point.adapters)),
            ("upstreamErrors", counts(point.upstreamErrors)),
        ]
        if let p50 = point.p50 { members.append(("p50", .number("\(p50)"))) }
        if let p99 = point.p99 { members.append(("p99", .number("\(p99)"))) }
        if let depth = point.queueDepth { members.append(("queueDepth", .integer(Int64(depth)))) }
        return .object(members)
    }
}
