import Synchronization

/// Prometheus metrics for exchanges and refreshes. Labels are app ids, adapter names and error codes, all from
/// configuration or a fixed set; never user ids, tokens or request data.
public final class ExchangeMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds (a last, `+Inf` bucket holds every exchange).
    public static let buckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    private struct Histogram {
        var counts = [UInt64](repeating: 0, count: ExchangeMetrics.buckets.count)
        var sum: Double = 0
        var count: UInt64 = 0

        mutating func observe(_ seconds: Double) {
            for (index, bound) in ExchangeMetrics.buckets.enumerated() where seconds <= bound {
                counts[index] += 1
            }
            sum += seconds
            count += 1
        }

        func lines(_ name: String, labels: String) -> [String] {
            var lines = ExchangeMetrics.buckets.enumerated().map { index, bound in
                "\(name)_bucket{\(labels),le=\"\(bound)\"} \(counts[index])"
            }
            lines.append("\(name)_bucket{\(labels),le=\"+Inf\"} \(count)")
            lines.append("\(name)_sum{\(labels)} \(sum)")
            lines.append("\(name)_count{\(labels)} \(count)")
            return lines
        }
    }

    /// The stages of an exchange, timed separately.
    public enum Stage: String, Sendable, CaseIterable {
        /// Checking the Telegram proof.
        case verify
        /// Finding or creating the local user (the database).
        case resolve
        /// The adapter issuing the credential (signing, or the provider's API).
        case issue
    }

    /// A label set: up to three label values, so keys need no allocation.
    private struct Labels: Hashable, Comparable {
        var a: String
        var b: String
        var c: String = ""

        static func < (lhs: Labels, rhs: Labels) -> Bool { (lhs.a, lhs.b, lhs.c) < (rhs.a, rhs.b, rhs.c) }
    }

    private struct State {
        var exchanges: [Labels: UInt64] = [:]
        var latency: [Labels: Histogram] = [:]
        var ownTime: [Labels: Histogram] = [:]
        var stages: [Labels: Histogram] = [:]
        var refreshes: [Labels: UInt64] = [:]
        var upstream: [Labels: Histogram] = [:]
        var upstreamStatuses: [Labels: UInt64] = [:]
        var identityMismatches: [Labels: UInt64] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty registry.
    public init() {}

    /// Counts one exchange and its latency.
    public func recordExchange(app: String, provider: String, outcome: String, duration: Duration) {
        let seconds = Self.seconds(duration)
        state.withLock { state in
            state.exchanges[Labels(a: app, b: provider, c: outcome), default: 0] += 1
            state.latency[Labels(a: app, b: provider), default: Histogram()].observe(seconds)
        }
    }

    /// Records the part of a successful exchange Telegate itself spent: its duration minus the identity-provider
    /// calls it waited for (``UpstreamTimer``).
    public func recordOwnTime(app: String, provider: String, duration: Duration) {
        let seconds = Self.seconds(duration)
        state.withLock { $0.ownTime[Labels(a: app, b: provider), default: Histogram()].observe(seconds) }
    }

    /// Records the time one stage of a successful step took.
    public func recordStage(_ stage: Stage, app: String, duration: Duration) {
        let seconds = Self.seconds(duration)
        state.withLock { $0.stages[Labels(a: app, b: stage.rawValue), default: Histogram()].observe(seconds) }
    }

    /// Records one call to a provider's API.
    public func recordUpstream(provider: String, operation: String, status: Int, duration: Duration) {
        let seconds = Self.seconds(duration)
        state.withLock { state in
            state.upstream[Labels(a: provider, b: operation), default: Histogram()].observe(seconds)
            state.upstreamStatuses[Labels(a: provider, b: operation, c: String(status)), default: 0] += 1
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Counts one refresh-grant outcome.
    public func recordRefresh(app: String, outcome: String) {
        state.withLock { $0.refreshes[Labels(a: app, b: outcome), default: 0] += 1 }
    }

    /// Counts one provider answer about a user that was not the local user's (``ProviderUserLinker``).
    public func recordIdentityMismatch(app: String, adapter: String) {
        state.withLock { $0.identityMismatches[Labels(a: app, b: adapter), default: 0] += 1 }
    }

    /// The exchange counters and latency buckets so far (cumulative), for ``MetricsHistory``: one copy under the
    /// lock, read once a minute, nothing added to an exchange's path.
    public func totals() -> ExchangeTotals {
        let (exchanges, latency) = state.withLock { ($0.exchanges, $0.latency) }
        var totals = ExchangeTotals()
        for (labels, count) in exchanges {
            totals.exchanges[ExchangeTotals.Outcome(app: labels.a, adapter: labels.b, outcome: labels.c)] = count
        }
        for (labels, histogram) in latency {
            totals.latency[ExchangeTotals.Series(app: labels.a, adapter: labels.b)] = histogram.counts + [histogram.count]
        }
        return totals
    }

    /// The Prometheus text exposition.
    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        lines.append("# HELP telegate_exchanges_total Credential exchanges by app, provider and outcome.")
        lines.append("# TYPE telegate_exchanges_total counter")
        for (labels, count) in snapshot.exchanges.sorted(by: { $0.key < $1.key }) {
            lines.append("telegate_exchanges_total{app=\"\(labels.a)\",provider=\"\(labels.b)\",outcome=\"\(labels.c)\"} \(count)")
        }
        lines.append("# HELP telegate_exchange_duration_seconds Exchange latency, from request to credential.")
        lines.append("# TYPE telegate_exchange_duration_seconds histogram")
        for (series, histogram) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            lines += histogram.lines(
                "telegate_exchange_duration_seconds", labels: "app=\"\(series.a)\",provider=\"\(series.b)\"")
        }
        lines.append(
            "# HELP telegate_exchange_own_seconds Telegate's own time per successful exchange: its duration minus identity-provider calls.")
        lines.append("# TYPE telegate_exchange_own_seconds histogram")
        for (series, histogram) in snapshot.ownTime.sorted(by: { $0.key < $1.key }) {
            lines += histogram.lines("telegate_exchange_own_seconds", labels: "app=\"\(series.a)\",provider=\"\(series.b)\"")
        }
        lines.append("# HELP telegate_exchange_stage_seconds Time spent per exchange stage: verify, resolve, issue.")
        lines.append("# TYPE telegate_exchange_stage_seconds histogram")
        for (labels, histogram) in snapshot.stages.sorted(by: { $0.key < $1.key }) {
            lines += histogram.lines("telegate_exchange_stage_seconds", labels: "app=\"\(labels.a)\",stage=\"\(labels.b)\"")
        }
        lines.append("# HELP telegate_upstream_request_seconds Calls to identity providers by provider and operation.")
        lines.append("# TYPE telegate_upstream_request_seconds histogram")
        for (labels, histogram) in snapshot.upstream.sorted(by: { $0.key < $1.key }) {
            lines += histogram.lines(
                "telegate_upstream_request_seconds", labels: "provider=\"\(labels.a)\",operation=\"\(labels.b)\"")
        }
        lines.append("# HELP telegate_upstream_responses_total Identity-provider responses by status.")
        lines.append("# TYPE telegate_upstream_responses_total counter")
        for (labels, count) in snapshot.upstreamStatuses.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "telegate_upstream_responses_total{provider=\"\(labels.a)\",operation=\"\(labels.b)\",status=\"\(labels.c)\"} \(count)")
        }
        lines.append("# HELP telegate_refreshes_total Refresh-token grants by app and outcome.")
        lines.append("# TYPE telegate_refreshes_total counter")
        for (labels, count) in snapshot.refreshes.sorted(by: { $0.key < $1.key }) {
            lines.append("telegate_refreshes_total{app=\"\(labels.a)\",outcome=\"\(labels.b)\"} \(count)")
        }
        lines.append(
            "# HELP telegate_provider_identity_mismatches_total Provider answers about a user that was not the local user's; nothing was issued.")
        lines.append("# TYPE telegate_provider_identity_mismatches_total counter")
        for (labels, count) in snapshot.identityMismatches.sorted(by: { $0.key < $1.key }) {
            lines.append("telegate_provider_identity_mismatches_total{app=\"\(labels.a)\",adapter=\"\(labels.b)\"} \(count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
