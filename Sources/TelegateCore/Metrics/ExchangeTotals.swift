/// The cumulative exchange counters of ``ExchangeMetrics`` at one moment: exchanges by app, adapter and outcome, and
/// each app and adapter's latency histogram as cumulative bucket counts (bounds ``ExchangeMetrics/buckets``).
public struct ExchangeTotals: Sendable, Equatable {
    /// An exchange's app, adapter and outcome (`success` or an error code).
    public struct Outcome: Hashable, Sendable {
        public var app: String
        public var adapter: String
        public var outcome: String

        /// The labels of one counter.
        public init(app: String, adapter: String, outcome: String) {
            self.app = app
            self.adapter = adapter
            self.outcome = outcome
        }
    }

    /// An app and adapter.
    public struct Series: Hashable, Sendable {
        public var app: String
        public var adapter: String

        /// The labels of one histogram.
        public init(app: String, adapter: String) {
            self.app = app
            self.adapter = adapter
        }
    }

    /// Exchanges counted so far.
    public var exchanges: [Outcome: UInt64] = [:]
    /// Per series, how many exchanges took at most each bound of ``ExchangeMetrics/buckets`` (cumulative, as
    /// Prometheus buckets are), then how many there were in all (the `+Inf` bucket).
    public var latency: [Series: [UInt64]] = [:]

    /// Nothing counted.
    public init(exchanges: [Outcome: UInt64] = [:], latency: [Series: [UInt64]] = [:]) {
        self.exchanges = exchanges
        self.latency = latency
    }
}
