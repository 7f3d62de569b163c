import TelegateCore

/// The one way an event enters the outbox: inside the write transaction of the change it describes, so the change
/// and its event commit together or not at all. A user's events are numbered in the order of their changes, since
/// each change writes the user's row (or a row hanging off it) before appending, and those writes serialize
/// (PostgreSQL's row lock, SQLite's single writer).
///
/// Fan-out writes one delivery row per enabled endpoint of the app subscribing to the event's type (the primary key
/// (endpoint, event) makes it one). Where it happens depends on the engine (``SQLDialect/commitsInSequenceOrder``):
/// - PostgreSQL: in the event's own transaction. Concurrent transactions commit out of sequence order, so no cursor
///   could tell which events are still to come.
/// - SQLite: after the commit, by a cursor per endpoint (`webhook_endpoints.fanned_out_seq`): ``fanOut(in:)`` writes
///   the deliveries of every event past it, in sequence order, and moves it to the newest event. It runs before the
///   queue is read (claims, listings, replays, the backlog) and before an endpoint changes (configuration, disabling,
///   enabling), so every event is fanned out with the endpoints and subscriptions of its own time — exactly as if at
///   its commit — while a login's transaction writes one row instead of two.
enum SQLEventOutbox {
    /// Appends `event` (and, on PostgreSQL, its deliveries) in `session`'s transaction; returns its sequence number.
    @discardableResult
    static func append(_ event: OutboxEvent, in session: any SQLSession) async throws -> Int64 {
        let app = event.appID.rawValue
        guard
            let seq = try await session.query(
                """
                INSERT INTO events (id, app_id, user_id, type, data, occurred_at)
                VALUES (\(event.id.rawValue), \(app), \(event.userID?.rawValue), \(event.type.rawValue),
                    \(event.data.serialized), \(event.occurredAt))
                RETURNING seq
                """
            ).first?.integer(0)
        else { throw TelegateError.internalError() }
        guard !session.dialect.commitsInSequenceOrder else { return seq }
        try await session.query(
            """
            INSERT INTO webhook_deliveries (endpoint_id, event_seq, event_id, app_id, user_id, status, attempts,
                next_attempt_at, created_at)
            SELECT e.id, v.seq, v.id, v.app_id, v.user_id, 'pending', 0, v.occurred_at, v.occurred_at
            FROM events v JOIN webhook_endpoints e ON e.app_id = v.app_id
                JOIN webhook_subscriptions s ON s.endpoint_id = e.id AND s.event_type = v.type
            WHERE v.seq = \(seq) AND e.disabled_at IS NULL
            """)
        return seq
    }

    /// Writes the deliveries of the events past each endpoint's cursor and moves every cursor to the newest event
    /// (a disabled endpoint's too: it gets nothing of what happened while it was disabled). Nothing on PostgreSQL,
    /// where ``append(_:in:)`` wrote them. Costs two index probes when no event is new.
    static func fanOut(in session: any SQLSession) async throws {
        guard session.dialect.commitsInSequenceOrder,
            let row = try await session.query(
                "SELECT (SELECT MAX(seq) FROM events), (SELECT MIN(fanned_out_seq) FROM webhook_endpoints)"
            ).first,
            let newest = row.integer(0), let oldestCursor = row.integer(1), oldestCursor < newest
        else { return }
        try await session.query(pastCursors(from: oldestCursor, through: newest))
        try await session.query("UPDATE webhook_endpoints SET fanned_out_seq = \(newest) WHERE fanned_out_seq < \(newest)")
    }

    /// Runs `body` in a write transaction of `database` after ``fanOut(in:)``, so it sees the deliveries of every
    /// committed event.
    static func writeFannedOut<T: Sendable>(
        _ database: any SQLDatabase, _ body: @escaping @Sendable (any SQLSession) async throws -> T
    ) async throws -> T {
        try await database.write { session in
            try await fanOut(in: session)
            return try await body(session)
        }
    }

    /// Writes the deliveries of the events after each enabled endpoint's cursor, up to `newest`, in sequence order.
    /// Every cursor moves to the newest event at each fan-out, so the events after the oldest cursor are the new ones:
    /// one range of the events' key, each event matched to its app's endpoints.
    static func pastCursors(from oldestCursor: Int64, through newest: Int64) -> SQL {
        """
        INSERT INTO webhook_deliveries (endpoint_id, event_seq, event_id, app_id, user_id, status, attempts,
            next_attempt_at, created_at)
        SELECT e.id, v.seq, v.id, v.app_id, v.user_id, 'pending', 0, v.occurred_at, v.occurred_at
        FROM events v JOIN webhook_endpoints e ON e.app_id = v.app_id AND e.fanned_out_seq < v.seq
            JOIN webhook_subscriptions s ON s.endpoint_id = e.id AND s.event_type = v.type
        WHERE v.seq > \(oldestCursor) AND v.seq <= \(newest) AND e.disabled_at IS NULL
        ORDER BY v.seq
        """
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
