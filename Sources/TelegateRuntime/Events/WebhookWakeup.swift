/// Wakes this process's ``WebhookDispatcher`` when something here queued a delivery (an event appended, a replay, a
/// test), so it goes out without waiting for the next poll. Wake-ups coalesce: many before the dispatcher looks are one.
public final class WebhookWakeup: Sendable {
    let wakeups: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    /// A wake-up nobody has asked for yet.
    public init() {
        (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks the dispatcher to look at the queue now.
    public func nudge() {
        continuation.yield()
    }
}
