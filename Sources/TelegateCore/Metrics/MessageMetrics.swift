import Synchronization

/// Bot message counters for `/metrics`, beside ``WebhookMetrics`` and in its style: attempts by result, and the
/// queue's depth and age (read from the database at scrape time, so every instance reports the shared queue).
public final class MessageMetrics: Sendable {
    /// What an attempt came to.
    public enum Result: String, Sendable, CaseIterable {
        /// Telegram took the message.
        case sent
        /// It failed (an outage, a timeout) and will be retried.
        case retried
        /// Telegram answered `429`; the message waits for `retry_after`.
        case rateLimited = "rate_limited"
        /// It failed for good: Telegram rejected it, or the retries ran out.
        case failed
        /// Telegram will not deliver to the user (blocked, never started the bot, no such chat); the user is marked
        /// unreachable.
        case unreachable
    }

    private let counts = Mutex([Result: Int]())

    /// No attempts counted.
    public init() {}

    /// Counts one attempt.
    public func record(_ result: Result) {
        counts.withLock { $0[result, default: 0] += 1 }
    }

    /// How many attempts came to `result` so far.
    public func count(_ result: Result) -> Int {
        counts.withLock { $0[result] ?? 0 }
    }

    /// The Prometheus text: `telegate_messages_total{result}`, `telegate_message_queue_depth` (queued messages) and
    /// `telegate_message_oldest_queued_seconds` (0 when none is queued) at `now`; the two gauges are left out when
    /// `queued` is `nil` (the queue could not be read).
    public func render(queued: Int?, oldestCreatedAt: Int64?, now: Int64) -> String {
        let snapshot = counts.withLock { $0 }
        return QueueMetricsText.render(
            counter: .init(name: "telegate_messages_total", help: "Bot message attempts by result."),
            results: Result.allCases.map { ($0.rawValue, snapshot[$0] ?? 0) },
            depth: .init(name: "telegate_message_queue_depth", help: "Bot messages queued, not yet sent or failed."),
            oldest: .init(name: "telegate_message_oldest_queued_seconds", help: "Age of the oldest queued bot message."),
            waiting: queued, oldestCreatedAt: oldestCreatedAt, now: now)
    }
}
