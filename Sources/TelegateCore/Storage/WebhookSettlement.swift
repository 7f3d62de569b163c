/// What one attempt at a claimed delivery came to, as ``WebhookDeliveryQueue/settle(_:)`` records it. A dispatcher
/// settles the attempts of a batch together, in one write.
public struct WebhookSettlement: Sendable, Equatable {
    /// The answer, and what follows from it.
    public enum Result: Sendable, Equatable {
        /// A `2xx` answer: the delivery is done.
        case delivered(status: Int)
        /// A failed attempt with another due at `nextAttemptAt` (Unix seconds).
        case retry(status: Int?, error: String, nextAttemptAt: Int64)
        /// The last attempt failed: the delivery is dead-lettered.
        case dead(status: Int?, error: String)
        /// `410 Gone`: the endpoint is disabled (reason `gone`) and the delivery, released, stays pending.
        case gone
    }

    /// The claimed delivery.
    public var delivery: DueWebhookDelivery
    /// The attempt's number (attempts made so far, this one included).
    public var attempts: Int
    /// What it came to.
    public var result: Result
    /// When it was answered (Unix seconds).
    public var at: Int64

    /// Creates a settlement.
    public init(delivery: DueWebhookDelivery, attempts: Int, result: Result, at: Int64) {
        self.delivery = delivery
        self.attempts = attempts
        self.result = result
        self.at = at
    }
}
