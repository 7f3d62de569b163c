/// What an event says happened. The raw value is the event's `type` in its body and the name an endpoint subscribes
/// to (`user.created`).
public enum EventType: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A user signed in for the first time and was created, with their profile.
    case userCreated = "user.created"
    /// A newer proof changed the user's profile: the changed field names and the new profile.
    case userUpdated = "user.updated"
    /// An adapter linked the user to an account at its provider.
    case userLinked = "user.linked"
    /// A provider link was removed (by an admin, or because the provider no longer knows the account).
    case userUnlinked = "user.unlinked"
    /// An admin disabled the user.
    case userDisabled = "user.disabled"
    /// An admin enabled the disabled user again.
    case userEnabled = "user.enabled"
    /// The user was erased; carries only ids.
    case userErased = "user.erased"
    /// A user signed in (opt-in: written only when an endpoint subscribes), with the proof kind and the adapter.
    case userLogin = "user.login"
    /// A message to the user through the app's bot could not be delivered.
    case messageFailed = "message.failed"
    /// A test event sent to one endpoint on an admin's request.
    case webhookTest = "webhook.test"

    public static func < (lhs: EventType, rhs: EventType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The names an endpoint may subscribe to, sorted: every type but `webhook.test`, which goes only to the endpoint
    /// it is sent to.
    public static let subscribable: [EventType] = allCases.filter { $0 != .webhookTest }.sorted()
}
