/// Wakes this process's ``WebhookDispatcher`` when something here queued a delivery (an event appended, a replay, a
/// test), so it goes out without waiting for the next poll; the ``MessageSender`` has its own for queued messages.
/// Wake-ups coalesce: many before the reader looks are one.
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

    /// Runs `pass` at start, at every wake-up and every `interval` (work queued by other instances), again as long as
    /// it reports work done, until cancelled. The wake-ups have one reader: one drive per wake-up.
    func drive(polling interval: Duration, _ pass: @escaping @Sendable () async -> Int) async {
        await withDiscardingTaskGroup { group in
            group.addTask { [self] in
                while (try? await Task.sleep(for: interval)) != nil { nudge() }
            }
            nudge()
            for await _ in wakeups {
                while await pass() > 0 {}
            }
            group.cancelAll()
        }
    }
}
