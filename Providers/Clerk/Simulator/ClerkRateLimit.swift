import Synchronization

/// Clerk's Backend API limit: a fixed number of requests per window; over it, `429` with the seconds until the
/// window ends in `Retry-After`.
final class ClerkRateLimit: Sendable {
    private struct Window {
        var limit: Int
        var length: Duration
        var start: ContinuousClock.Instant
        var count: Int
    }

    private let state: Mutex<Window>

    init(limit: Int, window: Duration) {
        self.state = Mutex(Window(limit: limit, length: window, start: .now, count: 0))
    }

    /// Changes the limit (benchmarks need more than Clerk allows) and starts a new window.
    func reset(limit: Int, window: Duration) {
        state.withLock { $0 = Window(limit: limit, length: window, start: .now, count: 0) }
    }

    /// `nil` when the request may proceed, else the seconds to wait.
    func admit() -> Int? {
        state.withLock { current in
            let now = ContinuousClock.now
            if now - current.start >= current.length {
                current.start = now
                current.count = 0
            }
            guard current.count < current.limit else {
                let remaining = current.length - (now - current.start)
                return max(1, Int(remaining.components.seconds) + (remaining.components.attoseconds > 0 ? 1 : 0))
            }
            current.count += 1
            return nil
        }
    }
}
