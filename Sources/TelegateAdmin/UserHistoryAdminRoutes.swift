import StrictJSON
import TelegateCore

/// `/apps/{app}/users/{user}/history`: what happened to a user, as the events about them the outbox still keeps
/// (`user.created`, `user.login` while a webhook endpoint subscribes to it, `user.linked`, `user.disabled`, …), newest
/// first, a page at a time (`before` is the `next` of the previous page). Each event shows only the members of its
/// `data` that say how it happened — never a profile, token or secret.
struct UserHistoryAdminRoutes {
    let backend: AdminBackend

    /// The members of an event's `data` a history entry shows, when the event has them and they are not `null`: the
    /// proof, bot and adapter or OAuth client of a login, the adapter and provider of a link, the fields a profile
    /// update changed, why a message failed.
    static let detailMembers = ["proof", "botId", "adapter", "client", "provider", "changed", "reason"]

    var routes: [AdminRoute] {
        [
            AdminRoute(
                .get, "/apps/{app}/users/{user}/history", "getUserHistory",
                "A user's events still kept in the outbox, newest first (limit 1–200, default 50; while a page is full it carries next, passed back as before)",
                query: ["before", "limit"], response: Self.pageSchema
            ) { call in
                let user = try await UserAdminRoutes(backend: backend).user(call)
                let limit = min(max(Int(call.query("limit") ?? "") ?? 50, 1), 200)
                let before = call.query("before").flatMap { Int64($0) }
                let events = try await backend.services.storage.events.events(
                    appID: user.appID, userID: user.id, before: before, limit: limit)
                var extra: [(key: String, value: JSONValue)] = []
                if events.count == limit, let last = events.last?.seq { extra.append(("next", .integer(last))) }
                return AdminJSON.list(events.map(Self.entry), extra: extra)
            }
        ]
    }

    /// One history entry: the event's sequence number, id, type, time and details.
    static func entry(_ event: OutboxEvent) -> JSONValue {
        let details = detailMembers.compactMap { name -> (key: String, value: JSONValue)? in
            guard let value = event.data[name], value != .null else { return nil }
            return (name, value)
        }
        return .object([
            ("seq", .integer(event.seq ?? 0)), ("event", .string(event.id.rawValue)), ("type", .string(event.type.rawValue)),
            ("occurredAt", .integer(event.occurredAt)), ("details", .object(details)),
        ])
    }

    /// The JSON Schema of a page of history entries.
    static let pageSchema: JSONValue = .object([
        ("type", .string("object")), ("required", .array([.string("items")])),
        (
            "properties",
            .object([
                (
                    "items",
                    .object([
                        ("type", .string("array")),
                        (
                            "items",
                            .object([
                                ("type", .string("object")),
                                ("required", .array(["seq", "event", "type", "occurredAt", "details"].map(JSONValue.string))),
                                (
                                    "properties",
                                    .object([
                                        ("seq", described("integer", "The outbox sequence number; pass the last one as before")),
                                        ("event", described("string", "The event id (evt_…), the webhook-id of its deliveries")),
                                        ("type", described("string", "The event type: user.created, user.login, user.linked, …")),
                                        ("occurredAt", described("integer", "Unix seconds")),
                                        (
                                            "details",
                                            described(
                                                "object",
                                                "How it happened, when the event says: \(detailMembers.joined(separator: ", "))")
                                        ),
                                    ])
                                ),
                            ])
                        ),
                    ])
                ),
                ("next", described("integer", "Present while a page is full: pass it as before for the next page")),
            ])
        ),
    ])

    private static func described(_ type: String, _ description: String) -> JSONValue {
        .object([("type", .string(type)), ("description", .string(description))])
    }
}
