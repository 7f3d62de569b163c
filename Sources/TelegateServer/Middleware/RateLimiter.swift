import Synchronization

/// A token bucket per client: `rate` requests per second on average, bursts up to `burst`.
///
/// Time is read from `seconds`, by default the monotonic clock; a reading that goes backwards refills nothing.
///
/// The table is bounded: past `capacity` clients it forgets those whose bucket has refilled, and if that is not
/// enough, those with the most tokens left, so the clients that are being held back are the last to be forgotten.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    /// Seconds on the monotonic clock since the process started.
    static let monotonicSeconds: @Sendable () -> Double = {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
    private static let start = ContinuousClock.now

    private let rate: Double
    private let burst: Double
    private let capacity: Int
    private let buckets = Mutex<[String: Bucket]>([:])
    private let seconds: @Sendable () -> Double

    init(rate: Double, burst: Double, capacity: Int = 10_000, seconds: @escaping @Sendable () -> Double = monotonicSeconds) {
        self.seconds = seconds
        self.rate = rate
        self.burst = max(burst, 1)
        self.capacity = max(capacity, 1)
    }

    /// Takes one token for `client`; when none is left, the seconds until one is.
    func take(_ client: String) -> Int? {
        let now = seconds()
        return buckets.withLock { buckets in
            if buckets[client] == nil, buckets.count >= capacity { prune(&buckets, now: now) }
            var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = tokens(bucket, now: now)
            bucket.updated = now
            defer { buckets[client] = bucket }
            guard bucket.tokens >= 1 else { return Int(((1 - bucket.tokens) / rate).rounded(.up)) }
            bucket.tokens -= 1
            return nil
        }
    }

    /// The seconds until `client` has a token again, without taking one; `nil` when it has one now.
    func wait(_ client: String) -> Int? {
        let now = seconds()
        return buckets.withLock { buckets in
            guard let bucket = buckets[client] else { return nil }
            let tokens = tokens(bucket, now: now)
            return tokens >= 1 ? nil : Int(((1 - tokens) / rate).rounded(.up))
        }
    }

    /// The number of clients remembered.
    var count: Int { buckets.withLock { $0.count } }

    /// The tokens `bucket` holds at `now`, refilled since it was last used.
    private func tokens(_ bucket: Bucket, now: Double) -> Double {
        min(burst, bucket.tokens + max(0, now - bucket.updated) * rate)
    }

    /// Forgets clients whose bucket has refilled: they are indistinguishable from new ones. When that leaves the
    /// table over three quarters full, keeps only the three quarters with the fewest tokens, so pruning is rare.
    private func prune(_ buckets: inout [String: Bucket], now: Double) {
        buckets = buckets.filter { _, bucket in tokens(bucket, now: now) < burst }
        let keep = capacity * 3 / 4
        guard buckets.count > keep else { return }
        let held = buckets.map { (client: $0.key, tokens: tokens($0.value, now: now)) }.sorted { $0.tokens < $1.tokens }
        for entry in held[keep...] { buckets[entry.client] = nil }
    }
}
