import Foundation

/// The time the verifier checks `exp`, `nbf` and its refetch interval against, and waits on (the WebSocket
/// authenticator's deadlines). Tests inject a clock they move by hand.
public struct VerifierClock: Sendable {
    /// The current time.
    public let now: @Sendable () -> Date
    /// Returns once the clock has reached `deadline`; throws `CancellationError` when the task is cancelled.
    public let sleep: @Sendable (_ until: Date) async throws -> Void

    /// A clock from its two parts.
    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (_ until: Date) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    /// The system's wall clock.
    public static let system = VerifierClock(
        now: { Date() },
        sleep: { deadline in
            let seconds = deadline.timeIntervalSinceNow
            if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
            try Task.checkCancellation()
        })
}
