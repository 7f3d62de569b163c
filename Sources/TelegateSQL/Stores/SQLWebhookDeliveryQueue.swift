import StrictJSON
import TelegateCore

struct SQLWebhookDeliveryQueue: WebhookDeliveryQueue {
    let database: any SQLDatabase

    func claim(now: Int64, leaseUntil: Int64, limit: Int) async throws -> [DueWebhookDelivery] {
        // The claim is the only part that needs the writer: the fan-out of the events since the last claim, then a
        // few index probes per enabled endpoint (partial indexes over pending deliveries only). The immutable events
        // and the endpoints are read afterwards, off the writer.
        let claimed = try await database.write { session -> [(endpoint: String, seqs: [Int64])] in
            try await SQLEventOutbox.fanOut(in: session)
            let endpoints = try await session.query("SELECT id FROM webhook_endpoints WHERE disabled_at IS NULL")
                .compactMap { $0.text(0) }
            var claimed: [(endpoint: String, seqs: [Int64])] = []
            for endpoint in endpoints {
                var seqs = try await Self.claim(
                    Self.dueRetries(endpoint: endpoint, now: now, limit: limit), until: leaseUntil, in: session)
                if seqs.count < limit {
                    seqs += try await Self.claim(
                        Self.firstAttempts(endpoint: endpoint, now: now, limit: limit - seqs.count), until: leaseUntil,
                        in: session)
                }
                if !seqs.isEmpty { claimed.append((endpoint, seqs)) }
            }
            return claimed
        }
        guard !claimed.isEmpty else { return [] }
        return try await database.read { session in
            var due: [DueWebhookDelivery] = []
            for (endpoint, seqs) in claimed {
                let rows = try await session.query(
                    """
                    SELECT v.seq, v.id, v.app_id, v.user_id, v.type, v.data, v.occurred_at, d.attempts, e.app_id, e.url,
                        e.allow_insecure_loopback, e.allow_private_networks, e.sealed_secret,
                        CASE WHEN e.previous_secret_expires_at > \(now) THEN e.previous_sealed_secret END
                    FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                        JOIN events v ON v.seq = d.event_seq
                    WHERE d.endpoint_id = \(endpoint) AND d.event_seq IN (\(list: seqs))
                    """)
                due += rows.compactMap { DueWebhookDelivery(row: $0, endpoint: endpoint) }
            }
            return due.sorted { ($0.event.seq ?? 0) < ($1.event.seq ?? 0) }
        }
    }

    /// Leases the deliveries `candidates` selects (locked, others' locks skipped, on PostgreSQL); their sequence numbers.
    private static func claim(_ candidates: SQL, until leaseUntil: Int64, in session: any SQLSession) async throws -> [Int64] {
        try await session.query(
            """
            UPDATE webhook_deliveries SET claimed_until = \(leaseUntil)
            WHERE (endpoint_id, event_seq) IN (\(candidates)\(schema: .skipLocked))
            RETURNING event_seq
            """
        ).compactMap { $0.integer(0) }
    }

    /// `endpoint`'s failed deliveries whose next attempt is due, earliest first (index `webhook_deliveries_retries`).
    static func dueRetries(endpoint: String, now: Int64, limit: Int) -> SQL {
        """
        SELECT d.endpoint_id, d.event_seq FROM webhook_deliveries d\(schema: .indexedBy("webhook_deliveries_retries"))
        WHERE d.endpoint_id = \(endpoint) AND d.status = 'pending' AND d.attempts > 0 AND d.next_attempt_at <= \(now)
            AND \(unclaimedAndFirstOfUser(now: now))
        ORDER BY d.next_attempt_at LIMIT \(limit)
        """
    }

    /// `endpoint`'s deliveries never attempted, in outbox order (index `webhook_deliveries_first_attempts`). They are
    /// due at once, whatever clock stamped the event (another instance's may be ahead).
    static func firstAttempts(endpoint: String, now: Int64, limit: Int) -> SQL {
        """
        SELECT d.endpoint_id, d.event_seq FROM webhook_deliveries d\(schema: .indexedBy("webhook_deliveries_first_attempts"))
        WHERE d.endpoint_id = \(endpoint) AND d.status = 'pending' AND d.attempts = 0
            AND \(unclaimedAndFirstOfUser(now: now))
        ORDER BY d.event_seq LIMIT \(limit)
        """
    }

    /// Not leased to anyone at `now`, and no earlier delivery of the same endpoint and user still pending (in flight
    /// elsewhere or waiting for a retry) — index `webhook_deliveries_pending_by_user`.
    private static func unclaimedAndFirstOfUser(now: Int64) -> SQL {
        """
        (d.claimed_until IS NULL OR d.claimed_until < \(now))
            AND NOT EXISTS (
                SELECT 1 FROM webhook_deliveries p\(schema: .indexedBy("webhook_deliveries_pending_by_user"))
                WHERE p.endpoint_id = d.endpoint_id AND p.user_id = d.user_id AND p.status = 'pending'
                    AND p.event_seq < d.event_seq)
        """
    }

    func settle(_ settlements: [WebhookSettlement]) async throws {
        guard !settlements.isEmpty else { return }
        try await database.write { session in
            // A 410 disables its endpoint: the events before it are fanned out to it first.
            if settlements.contains(where: { if case .gone = $0.result { true } else { false } }) {
                try await SQLEventOutbox.fanOut(in: session)
            }
            for settlement in settlements {
                for statement in Self.statements(recording: settlement) { try await session.query(statement) }
            }
        }
    }

    /// The statements recording `settlement`; each touches the delivery only while it is still pending.
    private static func statements(recording settlement: WebhookSettlement) -> [SQL] {
        let endpoint = settlement.delivery.webhook.rawValue
        let seq = settlement.delivery.event.seq
        let (attempts, at) = (settlement.attempts, settlement.at)
        let delivery: SQL = "endpoint_id = \(endpoint) AND event_seq = \(seq) AND status = 'pending'"
        switch settlement.result {
        case .delivered(let status):
            return [
                """
                UPDATE webhook_deliveries SET status = 'delivered', attempts = \(attempts), last_status = \(status),
                    last_error = NULL, delivered_at = \(at), claimed_until = NULL
                WHERE \(delivery)
                """
            ]
        case .retry(let status, let error, let nextAttemptAt):
            return [
                """
                UPDATE webhook_deliveries SET attempts = \(attempts), last_status = \(status.map(Int64.init)),
                    last_error = \(error), next_attempt_at = \(nextAttemptAt), claimed_until = NULL
                WHERE \(delivery)
                """
            ]
        case .dead(let status, let error):
            return [
                """
                UPDATE webhook_deliveries SET status = 'dead', attempts = \(attempts),
                    last_status = \(status.map(Int64.init)), last_error = \(error), claimed_until = NULL
                WHERE \(delivery)
                """
            ]
        case .gone:
            return [
                "UPDATE webhook_endpoints SET disabled_at = \(at), disabled_reason = 'gone' WHERE id = \(endpoint) AND disabled_at IS NULL",
                "UPDATE webhook_deliveries SET last_status = 410, last_error = 'gone', claimed_until = NULL WHERE \(delivery)",
            ]
        }
    }

    func backlog() async throws -> (pending: Int, oldestCreatedAt: Int64?) {
        let row = try await current { session in
            try await session.query("SELECT COUNT(*), MIN(created_at) FROM webhook_deliveries WHERE status = 'pending'")
                .first
        }
        return (Int(row?.integer(0) ?? 0), row?.integer(1))
    }

    /// Runs `body` on the queue as it stands: after ``SQLEventOutbox/fanOut(in:)`` in a write transaction where the
    /// outbox fans out after commit (so no committed event is missing from it), in a read snapshot elsewhere.
    private func current<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) async throws -> T) async throws -> T {
        guard database.dialect.commitsInSequenceOrder else { return try await database.read(body) }
        return try await SQLEventOutbox.writeFannedOut(database, body)
    }

    /// Runs `statement` in a write transaction, after the fan-out of the events not fanned out yet.
    private func writeFannedOut(_ statement: SQL) async throws -> [any SQLRow] {
        try await SQLEventOutbox.writeFannedOut(database) { try await $0.query(statement) }
    }
}

extension SQLWebhookDeliveryQueue {
    func deliveries(
        webhook: WebhookID, status: WebhookDelivery.Status?, before: Int64?, limit: Int
    ) async throws -> [WebhookDelivery] {
        let status = status?.rawValue
        return try await current { session in
            try await session.query(
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
    }

    func replay(webhook: WebhookID, event: EventID, now: Int64) async throws -> Bool {
        try await !writeFannedOut(
            """
            UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = \(now), claimed_until = NULL,
                delivered_at = NULL, last_status = NULL, last_error = NULL
            WHERE endpoint_id = \(webhook.rawValue) AND event_id = \(event.rawValue)
            RETURNING 1
            """
        ).isEmpty
    }

    func replay(webhook: WebhookID, since: Int64, until: Int64, now: Int64) async throws -> Int {
        try await writeFannedOut(
            """
            UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = \(now), claimed_until = NULL,
                delivered_at = NULL, last_status = NULL, last_error = NULL
            WHERE endpoint_id = \(webhook.rawValue)
                AND event_seq IN (SELECT seq FROM events WHERE occurred_at >= \(since) AND occurred_at <= \(until))
            RETURNING 1
            """
        ).count
    }

    func setDisabled(_ disabling: WebhookDisabling?, webhook: WebhookID) async throws {
        _ = try await writeFannedOut(
            """
            UPDATE webhook_endpoints SET disabled_at = \(disabling?.at), disabled_reason = \(disabling?.reason)
            WHERE id = \(webhook.rawValue)
            """)
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
