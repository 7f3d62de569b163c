import Synchronization

/// Supabase Auth's per-IP limit: a fixed number of requests per window for each client address; over it,
/// `429 over_request_rate_limit`.
final class SupabaseRateLimit: Sendable {
    private struct Windows {
        var limit: Int
        var length: Duration
        var byAddress: [String: (start: ContinuousClock.Instant, count: Int)] = [:]
    }

    private let state: Mutex<Windows>

    init(limit: Int, window: Duration) {
        self.state = Mutex(Windows(limit: limit, length: window))
    }

    /// Changes the limit and starts new windows.
    func reset(limit: Int, window: Duration) {
        state.withLock { $0 = Windows(limit: limit, length: window) }
    }

    /// Whether a request from `address` may proceed.
    func admit(_ address: String) -> Bool {
        state.withLock { windows in
            let now = ContinuousClock.now
            var current = windows.byAddress[address] ?? (now, 0)
            if now - current.start >= windows.length { current = (now, 0) }
            guard current.count < windows.limit else {
                windows.byAddress[address] = current
                return false
            }
            current.count += 1
            windows.byAddress[address] = current
            return true
        }
    }
}
