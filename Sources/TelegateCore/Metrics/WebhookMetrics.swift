import Synchronization

/// Webhook delivery counters for `/metrics`: attempts by result, and the queue's depth and age (read from the
/// database at scrape time, so every instance reports the shared queue).
public final class WebhookMetrics: Sendable {
    /// What an attempt came to.
    public enum Result: String, Sendable, CaseIterable {
        /// The endpoint answered `2xx`.
        case delivered
        /// It failed and will be retried.
        case retried
        /// It failed for the last time.
        case dead
        /// The endpoint answered `410 Gone` and was disabled.
        case gone
    }

    private let counts = Mutex([Result: Int]())

    /// No attempts counted.
    public init() {}

    /// Counts one attempt.
    public func record(_ result: Result) {
        counts.withLock { $0[result, default: 0] += 1 }
    }

    /// The Prometheus text: `telegate_webhook_deliveries_total{result}`, `telegate_webhook_queue_depth` (pending
    /// deliveries) and `telegate_webhook_oldest_pending_seconds` (0 when none is pending) at `now`; the two gauges are
    /// left out when `pending` is `nil` (the queue could not be read).
    public func render(pending: Int?, oldestCreatedAt: Int64?, now: Int64) -> String {
        let snapshot = counts.withLock { $0 }
        var lines = [
            "# HELP telegate_webhook_deliveries_total Webhook delivery attempts by result.",
            "# TYPE telegate_webhook_deliveries_total counter",
        ]
        for result in Result.allCases {
            lines.append("telegate_webhook_deliveries_total{result=\"\(result.rawValue)\"} \(snapshot[result] ?? 0)")
        }
        guard let pending else { return lines.joined(separator: "\n") + "\n" }
        lines += [
            "# HELP telegate_webhook_queue_depth Webhook deliveries not yet delivered or dead.",
            "# TYPE telegate_webhook_queue_depth gauge", "telegate_webhook_queue_depth \(pending)",
            "# HELP telegate_webhook_oldest_pending_seconds Age of the oldest pending webhook delivery.",
            "# TYPE telegate_webhook_oldest_pending_seconds gauge",
            "telegate_webhook_oldest_pending_seconds \(oldestCreatedAt.map { max(now - $0, 0) } ?? 0)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
