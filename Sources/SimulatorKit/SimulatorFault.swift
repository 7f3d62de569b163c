/// A misbehaviour a simulator can be told to show, to test how Telegate copes with a provider's bad day.
public struct SimulatorFault: Sendable, Equatable {
    /// What the provider does instead of answering normally.
    public enum Effect: Sendable, Equatable {
        /// Waits this long, then answers normally.
        case delay(Duration)
        /// Answers this status with a small JSON error body.
        case status(Int)
        /// Answers `429` with this `Retry-After`, in seconds.
        case rateLimited(retryAfter: Int)
        /// Answers `200` with a JSON body cut off in the middle.
        case malformedBody
        /// Closes the connection without a complete response.
        case dropConnection
    }

    /// The operation it applies to (`create_user`); `nil` for every operation.
    public var operation: String?
    public var effect: Effect
    /// How many calls it affects; `nil` until the faults are cleared.
    public var remaining: Int?

    /// Creates a fault.
    public init(_ effect: Effect, operation: String? = nil, times remaining: Int? = nil) {
        self.effect = effect
        self.operation = operation
        self.remaining = remaining
    }
}
