import Synchronization

/// Stops calling a provider that keeps failing, so a dead upstream costs fast `503`s instead of piled-up
/// timeouts, then lets one trial call through to see whether it recovered.
///
/// Closed: calls pass; `failureThreshold` consecutive failures open it. Open: calls are refused for
/// `openDuration`. Half-open: one trial call passes; success closes, failure reopens.
public final class CircuitBreaker: Sendable {
    public enum State: Sendable, Equatable {
        case closed
        case open
        case halfOpen
    }

    private struct Status {
        var state: State = .closed
        var consecutiveFailures = 0
        var openedAt: ContinuousClock.Instant?
        var trialInFlight = false
    }

    public let failureThreshold: Int
    public let openDuration: Duration
    private let status = Mutex(Status())

    /// Creates a closed breaker.
    public init(failureThreshold: Int = 5, openDuration: Duration = .seconds(10)) {
        self.failureThreshold = failureThreshold
        self.openDuration = openDuration
    }

    /// The current state.
    public var state: State {
        status.withLock { status in
            if status.state == .open, let openedAt = status.openedAt, ContinuousClock.now - openedAt >= openDuration {
                return .halfOpen
            }
            return status.state
        }
    }

    /// Whether a call may go out now; in half-open state only one trial at a time.
    public func allowsCall() -> Bool {
        status.withLock { status in
            switch status.state {
            case .closed:
                return true
            case .open:
                guard let openedAt = status.openedAt, ContinuousClock.now - openedAt >= openDuration else { return false }
                status.state = .halfOpen
                status.trialInFlight = true
                return true
            case .halfOpen:
                guard !status.trialInFlight else { return false }
                status.trialInFlight = true
                return true
            }
        }
    }

    /// Records a call that reached the provider and got a usable answer.
    public func recordSuccess() {
        status.withLock { $0 = Status() }
    }

    /// Records a call that failed for the provider's reasons (5xx, timeout, connection).
    public func recordFailure() {
        status.withLock { status in
            status.consecutiveFailures += 1
            status.trialInFlight = false
            if status.state == .halfOpen || status.consecutiveFailures >= failureThreshold {
                status.state = .open
                status.openedAt = ContinuousClock.now
            }
        }
    }
}
