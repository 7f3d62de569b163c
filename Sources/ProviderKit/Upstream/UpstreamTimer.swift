import Synchronization

/// Adds up the time an exchange spends waiting for identity providers, so that Telegate's own share of the
/// exchange can be told apart (`telegate_exchange_own_seconds`).
///
/// The exchange binds one to the task that issues the credential; ``UpstreamClient`` adds each call it makes
/// there, retries and backoff included. Calls outside an exchange are not counted anywhere.
public final class UpstreamTimer: Sendable {
    /// The timer of the exchange running in this task, if any.
    @TaskLocal public static var current: UpstreamTimer?

    private let total = Mutex<Duration>(.zero)

    /// A timer at zero.
    public init() {}

    /// The provider time added so far.
    public var elapsed: Duration { total.withLock { $0 } }

    /// Adds one call's duration.
    public func add(_ duration: Duration) {
        total.withLock { $0 += duration }
    }
}
