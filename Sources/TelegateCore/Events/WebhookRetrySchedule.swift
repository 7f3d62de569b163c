/// When a webhook delivery that failed is attempted again: exponential steps with full jitter (each wait is uniformly
/// random between zero and its step, so endpoints coming back from an outage are not hit by every sender at once),
/// whose bounds add up to about 24 hours, after which the delivery is dead-lettered.
public struct WebhookRetrySchedule: Sendable, Equatable {
    /// The upper bound of the wait after each failed attempt, in seconds: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h,
    /// 4 h, 8 h, 8 h (23.7 hours in all).
    public var steps: [Int64]

    /// The schedule described above.
    public static let standard = WebhookRetrySchedule(steps: [5, 30, 120, 600, 1_800, 3_600, 7_200, 14_400, 28_800, 28_800])

    /// A schedule with the given bounds, in seconds.
    public init(steps: [Int64]) {
        self.steps = steps
    }

    /// The attempts a delivery gets: the first and one per step.
    public var maxAttempts: Int { steps.count + 1 }

    /// The wait in seconds after `attempts` failed attempts (1 or more), or `nil` when that was the last one and the
    /// delivery is dead. `random` picks the jitter: a number in `0...bound`.
    public func delay(
        afterAttempts attempts: Int, random: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }
    ) -> Int64? {
        guard attempts >= 1, attempts <= steps.count else { return nil }
        return random(0...steps[attempts - 1])
    }
}
