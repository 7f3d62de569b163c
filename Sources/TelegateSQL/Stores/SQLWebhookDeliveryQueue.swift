import StrictJSON
import TelegateCore

struct SQLWebhookDeliveryQueue: WebhookDeliveryQueue {
    let database: any SQLDatabase

    func claim(now: Int64, leaseUntil: Int64, limit: Int) async throws -> [DueWebhookDelivery] {
        try await database.write { session in
            // The candidates are locked (PostgreSQL) so two instances never claim one delivery; a delivery whose
            // endpoint and user have an earlier one still pending (in flight elsewhere, or waiting for a retry) waits.
            // A first attempt is due at once, whatever clock stamped the event (another instance's may be ahead).
            let claimed = try await session.query(
                """
                UPDATE webhook_deliveries SET claimed_until = \(leaseUntil)
                WHERE (endpoint_id, event_seq) IN (
                    SELECT d.endpoint_id, d.event_seq FROM webhook_deliveries d
                    WHERE d.status = 'pending' AND (d.attempts = 0 OR d.next_attempt_at <= \(now))
                        AND (d.claimed_until IS NULL OR d.claimed_until < \(now))
                        AND EXISTS (
                            SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.disabled_at IS NULL)
                        AND NOT EXISTS (
                            SELECT 1 FROM webhook_deliveries p
                            WHERE p.endpoint_id = d.endpoint_id AND p.user_id = d.user_id AND p.status = 'pending'
                                AND p.event_seq < d.event_seq)
                    ORDER BY d.event_seq LIMIT \(limit)\(schema: .skipLocked))
                RETURNING endpoint_id, event_seq
                """)
            var due: [DueWebhookDelivery] = []
            for row in claimed {
                guard let endpoint = row.text(0), let seq = row.integer(1) else { continue }
                let rows = try await session.query(
                    """
                    SELECT v.seq, v.id, v.app_id, v.user_id, v.type, v.data, v.occurred_at, d.attempts, e.app_id, e.url,
                        e.allow_insecure_loopback, e.allow_private_networks, e.sealed_secret,
                        CASE WHEN e.previous_secret_expires_at > \(now) THEN e.previous_sealed_secret END
                    FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                        JOIN events v ON v.seq = d.event_seq
                    WHERE d.endpoint_id = \(endpoint) AND d.event_seq = \(seq)
                    """)
                if let delivery = rows.first.flatMap({ DueWebhookDelivery(row: $0, endpoint: endpoint) }) {
                    due.append(delivery)
                }
            }
            return due.sorted { ($0.event.seq ?? 0) < ($1.event.seq ?? 0) }
        }
    }

    func markDelivered(_ delivery: DueWebhookDelivery, attempts: Int, status: Int, at: Int64) async throws {
        try await database.write(
            """
            UPDATE webhook_deliveries SET status = 'delivered', attempts = \(attempts), last_status = \(status),
                last_error = NULL, delivered_at = \(at), claimed_until = NULL
            WHERE endpoint_id = \(delivery.webhook.rawValue) AND event_seq = \(delivery.event.seq) AND status = 'pending'
            """)
    }

    func scheduleRetry(
        _ delivery: DueWebhookDelivery, attempts: Int, status: Int?, error: String, nextAttemptAt: Int64
    ) async throws {
        try await database.write(
            """
            UPDATE webhook_deliveries SET attempts = \(attempts), last_status = \(status.map(Int64.init)),
                last_error = \(error), next_attempt_at = \(nextAttemptAt), claimed_until = NULL
            WHERE endpoint_id = \(delivery.webhook.rawValue) AND event_seq = \(delivery.event.seq) AND status = 'pending'
            """)
    }

    func markDead(_ delivery: DueWebhookDelivery, attempts: Int, status: Int?, error: String, at: Int64) async throws {
        try await database.write(
            """
            UPDATE webhook_deliveries SET status = 'dead', attempts = \(attempts), last_status = \(status.map(Int64.init)),
                last_error = \(error), claimed_until = NULL
            WHERE endpoint_id = \(delivery.webhook.rawValue) AND event_seq = \(delivery.event.seq) AND status = 'pending'
            """)
    }

    func disableEndpoint(of delivery: DueWebhookDelivery, reason: String, status: Int, at: Int64) async throws {
        let endpoint = delivery.webhook.rawValue
        try await database.write { session in
            try await session.query(
                """
                UPDATE webhook_endpoints SET disabled_at = \(at), disabled_reason = \(reason)
                WHERE id = \(endpoint) AND disabled_at IS NULL
                """)
            try await session.query(
                """
                UPDATE webhook_deliveries SET last_status = \(status), last_error = \(reason), claimed_until = NULL
                WHERE endpoint_id = \(endpoint) AND event_seq = \(delivery.event.seq) AND status = 'pending'
                """)
        }
    }

    func backlog() async throws -> (pending: Int, oldestCreatedAt: Int64?) {
        let row = try await database.read(
            "SELECT COUNT(*), MIN(created_at) FROM webhook_deliveries WHERE status = 'pending'"
        ).first
        return (Int(row?.integer(0) ?? 0), row?.integer(1))
    }
}

extension SQLWebhookDeliveryQueue {
    func deliveries(
        webhook: WebhookID, status: WebhookDelivery.Status?, before: Int64?, limit: Int
    ) async throws -> [WebhookDelivery] {
        let status = status?.rawValue
        return try await database.read(
            """
            SELECT endpoint_id, event_seq, event_id, app_id, user_id, status, attempts, next_attempt_at, last_status,
                last_error, delivered_at, created_at
            FROM webhook_deliveries
            WHERE endpoint_id = \(webhook.rawValue) AND (CAST(\(status) AS TEXT) IS NULL OR status = \(status))
                AND (CAST(\(before) AS BIGINT) IS NULL OR event_seq < \(before))
            ORDER BY event_seq DESC LIMIT \(limit)
            """
        ).compactMap(WebhookDelivery.init(row:))
    }

    func replay(webhook: WebhookID, event: EventID, now: Int64) async throws -> Bool {
        try await !database.write(
            """
            UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = \(now), claimed_until = NULL,
                delivered_at = NULL, last_status = NULL, last_error = NULL
            WHERE endpoint_id = \(webhook.rawValue) AND event_id = \(event.rawValue)
            RETURNING 1
            """
        ).isEmpty
    }

    func replay(webhook: WebhookID, since: Int64, until: Int64, now: Int64) async throws -> Int {
        try await database.write(
            """
            UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = \(now), claimed_until = NULL,
                delivered_at = NULL, last_status = NULL, last_error = NULL
            WHERE endpoint_id = \(webhook.rawValue)
                AND event_seq IN (SELECT seq FROM events WHERE occurred_at >= \(since) AND occurred_at <= \(until))
            RETURNING 1
            """
        ).count
    }

    func appendTest(_ event: OutboxEvent, to webhook: WebhookID) async throws {
        try await database.write { session in
            // webhook.test is subscribable by nobody: the outbox writes the event alone, and the one delivery here.
            let seq = try await SQLEventOutbox.append(event, in: session)
            try await session.query(
                """
                INSERT INTO webhook_deliveries (endpoint_id, event_seq, event_id, app_id, user_id, status, attempts,
                    next_attempt_at, created_at)
                VALUES (\(webhook.rawValue), \(seq), \(event.id.rawValue), \(event.appID.rawValue), NULL, 'pending', 0,
                    \(event.occurredAt), \(event.occurredAt))
                """)
        }
    }
}

extension DueWebhookDelivery {
    /// A row of the columns ``SQLWebhookDeliveryQueue/claim(now:leaseUntil:limit:)`` selects.
    init?(row: any SQLRow, endpoint: String) {
        guard let webhook = WebhookID(rawValue: endpoint), let event = OutboxEvent(row: row),
            let appID = row.text(8).flatMap(AppID.init(rawValue:)), let url = row.text(9), let secret = row.text(12)
        else { return nil }
        self.init(
            webhook: webhook, appID: appID, url: url, allowInsecureLoopback: row.bool(10), allowPrivateNetworks: row.bool(11),
            sealedSecret: secret, previousSealedSecret: row.text(13), event: event, attempts: Int(row.integer(7) ?? 0))
    }
}
