import Synchronization

/// Prometheus metrics for exchanges and refreshes. Labels are app ids, adapter names and error codes, all from
/// configuration or a fixed set; never user ids, tokens or request data.
public final class ExchangeMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Series: Hashable {
        let app: String
        let provider: String
    }

    private struct Histogram {
        var counts = [UInt64](repeating: 0, count: ExchangeMetrics.buckets.count)
        var sum: Double = 0
        var count: UInt64 = 0
    }

    private struct State {
        var exchanges: [[String]: UInt64] = [:]
        var latency: [Series: Histogram] = [:]
        var refreshes: [[String]: UInt64] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty registry.
    public init() {}

    /// Counts one exchange and its latency.
    public func recordExchange(app: String, provider: String, outcome: String, duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        state.withLock { state in
            state.exchanges[[app, provider, outcome], default: 0] += 1
            var histogram = state.latency[Series(app: app, provider: provider), default: Histogram()]
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound {
                histogram.counts[index] += 1
            }
            histogram.sum += seconds
            histogram.count += 1
            state.latency[Series(app: app, provider: provider)] = histogram
        }
    }

    /// Counts one refresh-grant outcome.
    public func recordRefresh(app: String, outcome: String) {
        state.withLock { $0.refreshes[[app, outcome], default: 0] += 1 }
    }

    /// The Prometheus text exposition.
    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        lines.append("# HELP telegate_exchanges_total Credential exchanges by app, provider and outcome.")
        lines.append("# TYPE telegate_exchanges_total counter")
        for (labels, count) in snapshot.exchanges.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            lines.append("telegate_exchanges_total{app=\"\(labels[0])\",provider=\"\(labels[1])\",outcome=\"\(labels[2])\"} \(count)")
        }
        lines.append("# HELP telegate_exchange_duration_seconds Exchange latency, from request to credential.")
        lines.append("# TYPE telegate_exchange_duration_seconds histogram")
        for (series, histogram) in snapshot.latency.sorted(by: { ($0.key.app, $0.key.provider) < ($1.key.app, $1.key.provider) }) {
            let labels = "app=\"\(series.app)\",provider=\"\(series.provider)\""
            for (index, bound) in Self.buckets.enumerated() {
                lines.append("telegate_exchange_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(histogram.counts[index])")
            }
            lines.append("telegate_exchange_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(histogram.count)")
            lines.append("telegate_exchange_duration_seconds_sum{\(labels)} \(histogram.sum)")
            lines.append("telegate_exchange_duration_seconds_count{\(labels)} \(histogram.count)")
        }
        lines.append("# HELP telegate_refreshes_total Refresh-token grants by app and outcome.")
        lines.append("# TYPE telegate_refreshes_total counter")
        for (labels, count) in snapshot.refreshes.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            lines.append("telegate_refreshes_total{app=\"\(labels[0])\",outcome=\"\(labels[1])\"} \(count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
