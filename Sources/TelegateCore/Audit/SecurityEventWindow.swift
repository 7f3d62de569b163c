import Synchronization

/// Turns a stream of security-relevant failures into a few audit events: failures are counted per key (an app,
/// an adapter) in fixed windows, and a window is reported once, when its count reaches the threshold. A flood of
/// forged proofs becomes one `…spike` event a minute, not a million rows.
public final class SecurityEventWindow: Sendable {
    private let threshold: Int
    private let window: Int64
    private let counts = Mutex<[String: (start: Int64, count: Int)]>([:])

    /// Reports a key when `threshold` failures fall in one `window` of seconds.
    public init(threshold: Int, window: Int64 = 60) {
        self.threshold = max(threshold, 1)
        self.window = window
    }

    /// Counts one failure for `key` at `now`; the window's count when this failure reaches the threshold.
    public func failed(_ key: String, at now: Int64) -> Int? {
        counts.withLock { counts in
            if counts.count > 10_000 { counts = counts.filter { now - $0.value.start < window } }
            var entry = counts[key] ?? (now, 0)
            if now - entry.start >= window { entry = (now, 0) }
            entry.count += 1
            counts[key] = entry
            return entry.count == threshold ? entry.count : nil
        }
    }
}
