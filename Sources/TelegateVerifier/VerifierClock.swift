import Foundation

/// The time the verifier checks `exp`, `nbf` and its refetch interval against, and waits on (the WebSocket
/// authenticator's deadlines). Tests inject a clock they move by hand.
public struct VerifierClock: Sendable {
    /// The current time.
    public let now: @Sendable () -> Date
    /// Returns once the clock has reached `deadline`; throws `CancellationError` when the task is cancelled.
    public let suspend: @Sendable (_ until: Date) async throws -> Void

    /// A clock from its two parts.
    public init(now: @escaping @Sendable () -> Date, suspend: @escaping @Sendable (_ until: Date) async throws -> Void) {
        self.now = now
        self.suspend = suspend
    }

    /// The instant `duration` from now, to the precision of `Date` (a fraction of a second is kept).
    public func deadline(after duration: Duration) -> Date {
        now().addingTimeInterval(duration.timeInterval)
    }

    /// The system's wall clock.
    public static let system = VerifierClock(
        now: { Date() },
        suspend: { deadline in
            let seconds = deadline.timeIntervalSinceNow
            if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
            try Task.checkCancellation()
        })
}
