import StrictJSON
import TelegateCore
import TelegateRuntime

/// `/apps/{app}/webhooks/{webhook}/deliveries`, `…/replay` and `…/test`: what was sent to an endpoint, sending it
/// again, and a test event. A replay sends the same event again with the same `webhook-id`; replaying and testing are
/// audited.
struct WebhookDeliveryAdminRoutes {
    let backend: AdminBackend

    var routes: [AdminRoute] {
        [
            AdminRoute(
                .get, "/apps/{app}/webhooks/{webhook}/deliveries", "listWebhookDeliveries",
                "An endpoint's deliveries, newest event first, with their status, attempts and last error",
                query: ["status", "before", "limit"]
            ) { call in
                let webhook = try await endpoint(call)
                var status: WebhookDelivery.Status?
                if let name = call.query("status") {
                    guard let parsed = WebhookDelivery.Status(rawValue: name) else {
                        throw TelegateError(
                            .invalidField, "status must be pending, delivered or dead", reason: "invalid_value")
                    }
                    status = parsed
                }
                let limit = min(max(Int(call.query("limit") ?? "") ?? 50, 1), 500)
                let before = call.query("before").flatMap { Int64($0) }
                let deliveries = try await backend.services.storage.webhookDeliveries.deliveries(
                    webhook: webhook.id, status: status, before: before, limit: limit)
                var extra: [(key: String, value: JSONValue)] = []
                if deliveries.count == limit, let last = deliveries.last?.eventSeq { extra.append(("next", .integer(last))) }
                return AdminJSON.list(deliveries.map(Self.json), extra: extra)
            },
            AdminRoute(
                .post, "/apps/{app}/webhooks/{webhook}/deliveries/{event}/replay", "replayWebhookDelivery",
                "Send one event to the endpoint again, with the same webhook-id"
            ) { call in
                let app = try await backend.app(call)
                let webhook = try endpoint(call, in: app)
                guard let event = EventID(rawValue: call.parameter("event")),
                    try await backend.services.storage.webhookDeliveries.replay(
                        webhook: webhook.id, event: event, now: backend.services.clock.now)
                else { throw TelegateError(.webhookDeliveryNotFound, "this endpoint has no delivery of that event") }
                backend.services.webhookWakeup.nudge()
                await backend.record(
                    "webhook.replayed", call: call, appID: app.settings.id, target: "webhook:\(webhook.id)",
                    extra: [("event", .string(event.rawValue))])
                return .object([("replayed", .integer(1))])
            },
            AdminRoute(
                .post, "/apps/{app}/webhooks/{webhook}/replay", "replayWebhookDeliveries",
                "Send again every event of a time range (since, until: Unix seconds, inclusive) delivered to the endpoint",
                body: AdminBodySchema([
                    .member("since", .integer, required: true, "The first moment, Unix seconds."),
                    .member("until", .integer, "The last moment, Unix seconds; now when left out."),
                ])
            ) { call in
                let app = try await backend.app(call)
                let webhook = try endpoint(call, in: app)
                let now = backend.services.clock.now
                guard let since = call.body.integer("since") else {
                    throw TelegateError(.invalidField, "since is required", reason: "missing")
                }
                let until = call.body.integer("until") ?? now
                guard since <= until else {
                    throw TelegateError(.invalidField, "since must not be after until", reason: "invalid_value")
                }
                let count = try await backend.services.storage.webhookDeliveries.replay(
                    webhook: webhook.id, since: since, until: until, now: now)
                backend.services.webhookWakeup.nudge()
                await backend.record(
                    "webhook.replayed", call: call, appID: app.settings.id, target: "webhook:\(webhook.id)",
                    extra: [("since", .integer(since)), ("until", .integer(until)), ("count", .integer(Int64(count)))])
                return .object([("replayed", .integer(Int64(count)))])
            },
            AdminRoute(
                .post, "/apps/{app}/webhooks/{webhook}/test", "testWebhook",
                "Send a webhook.test event to this endpoint only", status: 202
            ) { call in
                let app = try await backend.app(call)
                let webhook = try endpoint(call, in: app)
                let event = OutboxEvent.webhookTest(
                    appID: app.settings.id, webhook: webhook.id, at: backend.services.clock.now)
                try await backend.services.storage.webhookDeliveries.appendTest(event, to: webhook.id)
                backend.services.webhookWakeup.nudge()
                await backend.record(
                    "webhook.tested", call: call, appID: app.settings.id, target: "webhook:\(webhook.id)",
                    extra: [("event", .string(event.id.rawValue))])
                return .object([("event", .string(event.id.rawValue))])
            },
        ]
    }

    /// The endpoint the path names, of an app the caller may see.
    private func endpoint(_ call: AdminCall) async throws -> StoredWebhook {
        try endpoint(call, in: try await backend.app(call))
    }

    private func endpoint(_ call: AdminCall, in app: StoredApp) throws -> StoredWebhook {
        guard let webhook = app.webhooks.first(where: { $0.id.rawValue == call.parameter("webhook") }) else {
            throw TelegateError(.webhookNotFound, "this app has no such webhook")
        }
        return webhook
    }

    /// A delivery as the admin API shows it (never a body).
    static func json(_ delivery: WebhookDelivery) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("event", .string(delivery.eventID.rawValue)), ("seq", .integer(delivery.eventSeq)),
            ("status", .string(delivery.status.rawValue)), ("attempts", .integer(Int64(delivery.attempts))),
            ("createdAt", .integer(delivery.createdAt)),
        ]
        if let user = delivery.userID { members.append(("user", .string(user.rawValue))) }
        if delivery.status == .pending { members.append(("nextAttemptAt", .integer(delivery.nextAttemptAt))) }
        if let status = delivery.lastStatus { members.append(("lastStatus", .integer(Int64(status)))) }
        if let error = delivery.lastError { members.append(("lastError", .string(error))) }
        if let at = delivery.deliveredAt { members.append(("deliveredAt", .integer(at))) }
        return .object(members)
    }
}
