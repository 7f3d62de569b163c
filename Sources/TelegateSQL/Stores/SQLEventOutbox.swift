import TelegateCore

/// The one way an event enters the outbox: inside the write transaction of the change it describes, so the change
/// and its event commit together or not at all.
///
/// Fan-out happens in the same transaction: one delivery row per enabled endpoint of the app subscribing to the
/// event's type (the primary key (endpoint, event) makes it one). A user's events are numbered in the order of their
/// changes, since each change writes the user's row (or a row hanging off it) before appending, and those writes
/// serialize (PostgreSQL's row lock, SQLite's single writer).
enum SQLEventOutbox {
    /// Appends `event` and its deliveries in `session`'s transaction; returns its sequence number.
    @discardableResult
    static func append(_ event: OutboxEvent, in session: any SQLSession) async throws -> Int64 {
        let app = event.appID.rawValue
        let user = event.userID?.rawValue
        guard
            let seq = try await session.query(
                """
                INSERT INTO events (id, app_id, user_id, type, data, occurred_at)
                VALUES (\(event.id.rawValue), \(app), \(user), \(event.type.rawValue), \(event.data.serialized),
                    \(event.occurredAt))
                RETURNING seq
                """
            ).first?.integer(0)
        else { throw TelegateError.internalError() }
        try await session.query(
            """
            INSERT INTO webhook_deliveries (endpoint_id, event_seq, event_id, app_id, user_id, status, attempts,
                next_attempt_at, created_at)
            SELECT e.id, CAST(\(seq) AS BIGINT), CAST(\(event.id.rawValue) AS TEXT), CAST(\(app) AS TEXT),
                CAST(\(user) AS TEXT), 'pending', 0, CAST(\(event.occurredAt) AS BIGINT),
                CAST(\(event.occurredAt) AS BIGINT)
            FROM webhook_endpoints e JOIN webhook_subscriptions s ON s.endpoint_id = e.id
            WHERE e.app_id = \(app) AND e.disabled_at IS NULL AND s.event_type = \(event.type.rawValue)
            """)
        return seq
    }

    /// Whether an enabled endpoint of `appID` subscribes to `type`, read in `session`.
    static func isSubscribed(_ appID: AppID, to type: EventType, in session: any SQLSession) async throws -> Bool {
        try await !session.query(
            """
            SELECT 1 FROM webhook_endpoints e JOIN webhook_subscriptions s ON s.endpoint_id = e.id
            WHERE e.app_id = \(appID.rawValue) AND e.disabled_at IS NULL AND s.event_type = \(type.rawValue) LIMIT 1
            """
        ).isEmpty
    }
}
