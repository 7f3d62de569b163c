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
        /// Answers the way a provider that is wrong about its users would (``Misbehaviour``). The simulator itself
        /// acts it out, in the operations that support it (``SimulatorControl/misbehaviour(_:)``).
        case misbehave(Misbehaviour)
    }

    /// A provider answering wrongly about whose user is whose, or with a token Telegate must refuse: what Telegate
    /// must detect rather than trust.
    public enum Misbehaviour: String, Sendable, Equatable, CaseIterable {
        /// A creation answers that the user already exists (Clerk `422 form_identifier_exists`, Logto
        /// `user.username_already_in_use`) and creates nothing.
        case duplicate
        /// The answer names somebody else's user: a creation returns another user than it was asked to create, a
        /// lookup finds another user than the one searched for, a ticket or token is for another user, an update
        /// reports another user.
        case foreignAccount
        /// An identity provider's next ID token names another audience than the client it is issued to.
        case wrongAudience
        /// An identity provider's next ID token is signed with a key its published key set does not hold.
        case unknownKey
        /// An identity provider's next ID token has already expired when it is issued.
        case expiredToken
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
