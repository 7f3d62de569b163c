import Synchronization

/// A token bucket per client: `rate` requests per second on average, bursts up to `burst`.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let rate: Double
    private let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = max(burst, 1)
    }

    /// Takes one token for `client`; when none is left, the seconds until one is.
    func take(_ client: String) -> Int? {
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            if buckets.count > 10_000 { Self.prune(&buckets, now: now, rate: rate, burst: burst) }
            var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer { buckets[client] = bucket }
            guard bucket.tokens >= 1 else { return Int(((1 - bucket.tokens) / rate).rounded(.up)) }
            bucket.tokens -= 1
            return nil
        }
    }

    /// The seconds until `client` has a token again, without taking one; `nil` when it has one now.
    func wait(_ client: String) -> Int? {
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            guard let bucket = buckets[client] else { return nil }
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let tokens = min(burst, bucket.tokens + seconds * rate)
            return tokens >= 1 ? nil : Int(((1 - tokens) / rate).rounded(.up))
        }
    }

    /// Forgets clients whose bucket has refilled: they are indistinguishable from new ones.
    private static func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant, rate: Double, burst: Double) {
        buckets = buckets.filter { _, bucket in
            let idle = now - bucket.updated
            return bucket.tokens + Double(idle.components.seconds) * rate < burst
        }
    }
}
