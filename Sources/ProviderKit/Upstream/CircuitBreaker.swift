import Synchronization
import TelegramAuth

/// Stops calling a provider that keeps failing, so a dead upstream costs fast `503`s instead of piled-up
/// timeouts, then lets one trial call through to see whether it recovered.
///
/// Closed: calls pass; `failureThreshold` consecutive failures open it. Open: calls are refused for
/// `openDuration`. Half-open: one trial call passes; success closes, failure reopens.
///
/// The pause is measured on `clock`. A reading earlier than the one the breaker opened at (the clock was set back)
/// ends the pause, so a clock that jumps costs at most one early trial call, never a provider refused for longer
/// than `openDuration`.
public final class CircuitBreaker: Sendable {
    public enum State: Sendable, Equatable {
        case closed
        case open
        case halfOpen
    }

    private struct Status {
        var state: State = .closed
        var consecutiveFailures = 0
        var openedAt: Double?
        var trialInFlight = false
    }

    public let failureThreshold: Int
    public let openDuration: Duration
    private let clock: WallClock
    private let status = Mutex(Status())

    /// Creates a closed breaker whose pause is measured on `clock`.
    public init(failureThreshold: Int = 5, openDuration: Duration = .seconds(10), clock: WallClock = .system) {
        self.failureThreshold = failureThreshold
        self.openDuration = openDuration
        self.clock = clock
    }

    /// The current state.
    public var state: State {
        status.withLock { status in
            if status.state == .open, let openedAt = status.openedAt, pauseIsOver(since: openedAt) {
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
                guard let openedAt = status.openedAt, pauseIsOver(since: openedAt) else { return false }
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
                status.openedAt = clock.preciseNow
            }
        }
    }

    /// Whether the pause of a breaker opened at `openedAt` (a reading of ``clock``) is over.
    private func pauseIsOver(since openedAt: Double) -> Bool {
        let elapsed = clock.preciseNow - openedAt
        let pause = Double(openDuration.components.seconds) + Double(openDuration.components.attoseconds) / 1e18
        return elapsed >= pause || elapsed < 0
    }
}
