import StrictJSON
import TelegateCore

struct SQLEventStore: EventStore {
    let database: any SQLDatabase

    func appendIfSubscribed(_ event: OutboxEvent) async throws -> Bool {
        try await database.write { session in
            guard try await SQLEventOutbox.isSubscribed(event.appID, to: event.type, in: session) else { return false }
            try await SQLEventOutbox.append(event, in: session)
            return true
        }
    }

    func events(appID: AppID, after: Int64?, limit: Int) async throws -> [OutboxEvent] {
        try await database.read(
            """
            SELECT seq, id, app_id, user_id, type, data, occurred_at FROM events
            WHERE app_id = \(appID.rawValue) AND seq > \(after ?? 0) ORDER BY seq LIMIT \(limit)
            """
        ).compactMap(OutboxEvent.init(row:))
    }

    func events(appID: AppID, userID: UserID, before: Int64?, limit: Int) async throws -> [OutboxEvent] {
        try await database.read(Self.userEvents(appID: appID.rawValue, userID: userID.rawValue, before: before, limit: limit))
            .compactMap(OutboxEvent.init(row:))
    }

    /// A user's events below `before`, newest first: one range of index `events_by_user`.
    static func userEvents(appID: String, userID: String, before: Int64?, limit: Int) -> SQL {
        """
        SELECT seq, id, app_id, user_id, type, data, occurred_at FROM events
        WHERE app_id = \(appID) AND user_id = \(userID) AND seq < \(before ?? Int64.max)
        ORDER BY seq DESC LIMIT \(limit)
        """
    }

    /// One statement after the fan-out (so no event still to be fanned out looks settled): the deliveries go with
    /// their event (ON DELETE CASCADE).
    func pruneSettled(before: Int64, limit: Int) async throws -> Int {
        try await SQLEventOutbox.writeFannedOut(database) { session in
            try await session.query(Self.settled(before: before, limit: limit)).count
        }
    }

    /// Deletes at most `limit` events that occurred before `before` with no pending delivery, oldest first.
    private static func settled(before: Int64, limit: Int) -> SQL {
        """
        DELETE FROM events WHERE seq IN (
            SELECT e.seq FROM events e
            WHERE e.occurred_at < \(before)
                AND NOT EXISTS (
                    SELECT 1 FROM webhook_deliveries d WHERE d.event_seq = e.seq AND d.status = 'pending')
            ORDER BY e.seq LIMIT \(limit))
        RETURNING 1
        """
    }

}

extension OutboxEvent {
    /// A row of the `events` columns ``SQLEventStore`` selects.
    init?(row: any SQLRow) {
        guard let id = row.text(1).flatMap(EventID.init(rawValue:)), let appID = row.text(2).flatMap(AppID.init(rawValue:)),
            let type = row.text(4).flatMap(EventType.init(rawValue:)),
            let data = row.text(5).flatMap({ try? JSONValue.parse($0) })
        else { return nil }
        self.init(
            seq: row.integer(0), id: id, appID: appID, userID: row.text(3).flatMap(UserID.init(rawValue:)), type: type,
            data: data, occurredAt: row.integer(6) ?? 0)
    }
}

extension WebhookDelivery {
    /// A row of the `webhook_deliveries` columns the deliveries listing of ``SQLWebhookDeliveryQueue`` selects.
    init?(row: any SQLRow) {
        guard let webhook = row.text(0).flatMap(WebhookID.init(rawValue:)), let seq = row.integer(1),
            let eventID = row.text(2).flatMap(EventID.init(rawValue:)), let appID = row.text(3).flatMap(AppID.init(rawValue:)),
            let status = row.text(5).flatMap(Status.init(rawValue:))
        else { return nil }
        self.init(
            webhook: webhook, eventSeq: seq, eventID: eventID, appID: appID, userID: row.text(4).flatMap(UserID.init(rawValue:)),
            status: status, attempts: Int(row.integer(6) ?? 0), nextAttemptAt: row.integer(7) ?? 0,
            lastStatus: row.integer(8).map(Int.init), lastError: row.text(9), deliveredAt: row.integer(10),
            createdAt: row.integer(11) ?? 0)
    }
}
