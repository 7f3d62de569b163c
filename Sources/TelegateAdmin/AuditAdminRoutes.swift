import StrictJSON
import TelegateCore

/// `/audit`: the audit log, newest first, a page at a time (`before` is the `next` of the previous page).
struct AuditAdminRoutes {
    let backend: AdminBackend

    var routes: [AdminRoute] {
        [
            AdminRoute(
                .get, "/audit", "listAuditEvents", "Audit events, newest first: admin changes and security events",
                query: ["app", "before", "limit"]
            ) { call in
                var appID: AppID?
                if let name = call.query("app") {
                    guard let id = AppID(rawValue: name) else { throw AdminBackend.appNotFound }
                    guard call.principal.maySee(id) else {
                        await backend.denied(call, appID: id)
                        throw AdminBackend.appNotFound
                    }
                    appID = id
                }
                // A token restricted to one app reads only that app's events.
                appID = appID ?? call.principal.appID
                let limit = min(max(Int(call.query("limit") ?? "") ?? 50, 1), 500)
                let before = call.query("before").flatMap { Int64($0) }
                let events = try await backend.services.storage.audit.events(appID: appID, before: before, limit: limit)
                var extra: [(key: String, value: JSONValue)] = []
                if events.count == limit, let last = events.last?.sequence { extra.append(("next", .integer(last))) }
                return AdminJSON.list(events.map(AdminJSON.event), extra: extra)
            }
        ]
    }
}
