import Synchronization

/// The last hour of this instance's exchanges, minute by minute, for the console's overview: exchanges by result
/// family and by adapter, p50 and p99 latency, upstream errors by adapter, and the webhook queue's depth.
///
/// It reads the cumulative counters ``ExchangeMetrics`` keeps anyway (``ExchangeMetrics/totals()``) once a minute
/// (``sample(at:)``, run by the server) into a ring of readings, and derives each minute from the difference of
/// two readings: counts as counter deltas, quantiles from histogram bucket deltas as Prometheus'
/// `histogram_quantile` does. An exchange costs nothing more. The counters are this process's, so the history is
/// this instance's, and it starts empty at every start.
public final class MetricsHistory: Sendable {
    /// The counters at one moment.
    public struct Reading: Sendable, Equatable {
        /// When it was read (Unix seconds).
        public var at: Int64
        public var totals: ExchangeTotals
        /// Webhook deliveries pending in the shared queue; `nil` when the queue could not be read.
        public var queueDepth: Int?

        /// A reading.
        public init(at: Int64, totals: ExchangeTotals, queueDepth: Int?) {
            self.at = at
            self.totals = totals
            self.queueDepth = queueDepth
        }
    }

    /// What happened between two readings (a minute, or less for the current one).
    public struct Point: Sendable, Equatable {
        /// The interval's start and end (Unix seconds).
        public var from: Int64
        public var at: Int64
        /// Exchanges by ``Family`` (raw value).
        public var results: [String: Int]
        /// Exchanges by adapter (`app/adapter` when every app is shown).
        public var adapters: [String: Int]
        /// Exchanges that ended in an ``Family/upstream`` error, by adapter.
        public var upstreamErrors: [String: Int]
        /// Latency quantiles in seconds; `nil` without exchanges.
        public var p50: Double?
        public var p99: Double?
        /// Pending webhook deliveries at the interval's end.
        public var queueDepth: Int?

        /// Every exchange of the interval.
        public var exchanges: Int { results.values.reduce(0, +) }
    }

    /// What an exchange came to, coarsely: the overview's result series.
    public enum Family: String, Sendable, CaseIterable {
        /// A credential was issued.
        case ok
        /// Refused for the request or the proof (a `4xx` code: `signature_invalid`, `user_disabled`, …).
        case refused
        /// The identity provider failed or refused Telegate (`upstream_*`, `adapter_misconfigured`,
        /// `provider_identity_mismatch`).
        case upstream
        /// Telegate itself failed (`internal_error`, `storage_unavailable`, other `5xx` codes).
        case server

        /// The family of an exchange outcome label: `success` or an error code.
        public init(outcome: String) {
            if outcome == "success" {
                self = .ok
            } else if outcome.hasPrefix("upstream_") || outcome == TelegateError.Code.adapterMisconfigured.rawValue
                || outcome == TelegateError.Code.providerIdentityMismatch.rawValue
            {
                self = .upstream
            } else if (Self.statuses[outcome] ?? 400) >= 500 {
                self = .server
            } else {
                self = .refused
            }
        }

        private static let statuses = Dictionary(
            TelegateError.Code.catalogue.map { ($0.rawValue, $0.status) }, uniquingKeysWith: { first, _ in first })
    }

    /// How often the server samples.
    public static let interval: Duration = .seconds(60)
    /// Readings kept: an hour of minutes, and the one before the first.
    public static let capacity = 61
    /// The period the overview covers, in seconds.
    public static let window: Int64 = 3600

    private let metrics: ExchangeMetrics
    private let queueDepth: @Sendable () async -> Int?
    private let readings = Mutex<[Reading]>([])

    /// A history of `metrics`, with the webhook queue's depth read by `queueDepth`.
    public init(metrics: ExchangeMetrics, queueDepth: @escaping @Sendable () async -> Int?) {
        self.metrics = metrics
        self.queueDepth = queueDepth
    }

    /// Reads the counters at `now` and keeps the reading, dropping the oldest beyond ``capacity``.
    public func sample(at now: Int64) async {
        let reading = await read(at: now)
        readings.withLock { readings in
            readings.removeAll { $0.at >= now }
            readings.append(reading)
            if readings.count > Self.capacity { readings.removeFirst(readings.count - Self.capacity) }
        }
    }

    /// The points of the hour ending at `now`, oldest first, of `app` (every app when `nil`): one per pair of kept
    /// readings that starts within the hour, then the current, partial one up to a reading taken now (not kept).
    public func points(app: String?, at now: Int64) async -> [Point] {
        let current = await read(at: now)
        var readings = self.readings.withLock { $0 }.filter { $0.at < now }
        readings.append(current)
        return zip(readings, readings.dropFirst())
            .filter { $0.0.at >= now - Self.window }
            .map { Self.point(from: $0.0, to: $0.1, app: app) }
    }

    private func read(at now: Int64) async -> Reading {
        Reading(at: now, totals: metrics.totals(), queueDepth: await queueDepth())
    }

    /// What happened between readings `start` and `end` for `app` (every app when `nil`).
    public static func point(from start: Reading, to end: Reading, app: String?) -> Point {
        var point = Point(
            from: start.at, at: end.at, results: [:], adapters: [:], upstreamErrors: [:], queueDepth: end.queueDepth)
        for (labels, count) in end.totals.exchanges where app == nil || labels.app == app {
            let delta = Int(count - min(start.totals.exchanges[labels] ?? 0, count))
            guard delta > 0 else { continue }
            let family = Family(outcome: labels.outcome)
            let adapter = app == nil ? "\(labels.app)/\(labels.adapter)" : labels.adapter
            point.results[family.rawValue, default: 0] += delta
            point.adapters[adapter, default: 0] += delta
            if family == .upstream { point.upstreamErrors[adapter, default: 0] += delta }
        }
        var buckets = [UInt64](repeating: 0, count: ExchangeMetrics.buckets.count + 1)
        for (series, counts) in end.totals.latency where app == nil || series.app == app {
            let before = start.totals.latency[series] ?? []
            for index in buckets.indices where index < counts.count {
                let earlier = index < before.count ? before[index] : 0
                buckets[index] += counts[index] - min(earlier, counts[index])
            }
        }
        point.p50 = quantile(0.5, buckets: buckets)
        point.p99 = quantile(0.99, buckets: buckets)
        return point
    }

    /// The `q` quantile of observations counted in cumulative `buckets` (one per bound of
    /// ``ExchangeMetrics/buckets``, then `+Inf`), interpolated linearly within its bucket from the bucket's lower
    /// bound (0 for the first), as Prometheus' `histogram_quantile`; in the `+Inf` bucket, the highest finite bound.
    /// `nil` when nothing was counted.
    public static func quantile(_ q: Double, buckets: [UInt64]) -> Double? {
        let bounds = ExchangeMetrics.buckets
        guard let total = buckets.last, total > 0, buckets.count == bounds.count + 1 else { return nil }
        let rank = q * Double(total)
        guard let index = buckets.firstIndex(where: { Double($0) >= rank }), index < bounds.count else {
            return bounds.last
        }
        let lower = index == 0 ? 0 : bounds[index - 1]
        let below = index == 0 ? 0 : Double(buckets[index - 1])
        let inBucket = Double(buckets[index]) - below
        guard inBucket > 0 else { return bounds[index] }
        return lower + (bounds[index] - lower) * (rank - below) / inBucket
    }
}
