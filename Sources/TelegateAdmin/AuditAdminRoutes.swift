import StrictJSON
import TelegateCore

/// `/audit`: the audit log, newest first, a page at a time (`before` is the `next` of the previous page), of every
/// app or one (`app`), and only an actor's (`actor`) or one action's (`action`) events when asked.
struct AuditAdminRoutes {
    let backend: AdminBackend

    /// How many events a filtered page looks through at most before answering with what it found (and `next`).
    static let filteredScanLimit = 5000

    var routes: [AdminRoute] {
        [
            AdminRoute(
                .get, "/audit", "listAuditEvents",
                "Audit events, newest first: admin changes and security events; actor and action keep only the events with exactly that actor or action (a page may then hold fewer than limit events: follow next)",
                query: ["app", "actor", "action", "before", "limit"]
            ) { call in
                var appID: AppID?
                if let name = call.query("app"), !name.isEmpty {
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
                let actor = call.query("actor").flatMap { $0.isEmpty ? nil : $0 }
                let action = call.query("action").flatMap { $0.isEmpty ? nil : $0 }
                var before = call.query("before").flatMap { Int64($0) }
                let store = backend.services.storage.audit
                guard actor != nil || action != nil else {
                    let events = try await store.events(appID: appID, before: before, limit: limit)
                    var extra: [(key: String, value: JSONValue)] = []
                    if events.count == limit, let last = events.last?.sequence { extra.append(("next", .integer(last))) }
                    return AdminJSON.list(events.map(AdminJSON.event), extra: extra)
                }
                var found: [AuditEvent] = []
                var scanned = 0
                var exhausted = false
                while found.count < limit, scanned < Self.filteredScanLimit {
                    let batch = try await store.events(appID: appID, before: before, limit: 500)
                    scanned += batch.count
                    for event in batch where found.count < limit {
                        before = event.sequence
                        if (actor == nil || event.actor == actor) && (action == nil || event.action == action) {
                            found.append(event)
                        }
                    }
                    if batch.count < 500 {
                        exhausted = batch.isEmpty || before == batch.last?.sequence
                        break
                    }
                }
                var extra: [(key: String, value: JSONValue)] = []
                if !exhausted, let before { extra.append(("next", .integer(before))) }
                return AdminJSON.list(found.map(AdminJSON.event), extra: extra)
            }
        ]
    }
}
