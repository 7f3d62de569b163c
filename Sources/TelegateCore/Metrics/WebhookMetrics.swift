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
        return QueueMetricsText.render(
            counter: .init(name: "telegate_webhook_deliveries_total", help: "Webhook delivery attempts by result."),
            results: Result.allCases.map { ($0.rawValue, snapshot[$0] ?? 0) },
            depth: .init(name: "telegate_webhook_queue_depth", help: "Webhook deliveries not yet delivered or dead."),
            oldest: .init(name: "telegate_webhook_oldest_pending_seconds", help: "Age of the oldest pending webhook delivery."),
            waiting: pending, oldestCreatedAt: oldestCreatedAt, now: now)
    }
}
