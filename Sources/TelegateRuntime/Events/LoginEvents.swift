import TelegateCore
import TelegramAuth

/// The events of a sign-in, one path for the exchange and the hosted login pages: the user store already wrote
/// `user.created` or `user.updated` with the user; this adds the opt-in `user.login` and wakes the dispatcher.
///
/// `user.login` is written only while an enabled endpoint of the app subscribes to it, so apps that do not ask for
/// logins pay nothing for them. A first login (or a recorded `user.login`) wrote an event for a subscribed endpoint:
/// the dispatcher is woken to fan it out and send it now rather than at the next poll.
public struct LoginEvents: Sendable {
    private let events: any EventStore
    private let wakeup: WebhookWakeup
    private let clock: WallClock

    /// Creates the recorder.
    public init(services: TelegateServices) {
        events = services.storage.events
        wakeup = services.webhookWakeup
        clock = services.clock
    }

    /// Records that `subject` signed in to `target` of `runtime`'s app.
    public func signedIn(_ subject: Subject, to target: OutboxEvent.LoginTarget, in runtime: AppRuntime) async throws {
        let subscribed = runtime.subscribedEvents
        if subscribed.contains(.userLogin) {
            _ = try await events.appendIfSubscribed(
                .userLogin(
                    appID: subject.user.appID, userID: subject.user.id, proof: subject.identity.proof,
                    botID: subject.botID, target: target, at: clock.now))
        }
        if !subscribed.isEmpty, subject.created || subscribed.contains(.userLogin) {
            wakeup.nudge()
        }
    }
}
