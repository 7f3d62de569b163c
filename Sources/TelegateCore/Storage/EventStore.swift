/// The event outbox and its webhook deliveries. Changes append their events themselves, in their own transaction
/// (the user and link stores); this store appends the events that describe no stored change, and reads.
public protocol EventStore: Sendable {
    /// Appends `event` with a delivery to each enabled endpoint of its app subscribing to its type, but only when
    /// there is one: an event nobody subscribes to (`user.login` is opt-in) writes nothing. Whether it was appended.
    func appendIfSubscribed(_ event: OutboxEvent) async throws -> Bool
    /// `appID`'s events in outbox order, after sequence number `after`, at most `limit`.
    func events(appID: AppID, after: Int64?, limit: Int) async throws -> [OutboxEvent]
    /// The events about `userID` in `appID` still kept in the outbox, newest first: those numbered below `before`
    /// (all when `nil`), at most `limit`.
    func events(appID: AppID, userID: UserID, before: Int64?, limit: Int) async throws -> [OutboxEvent]
    /// Deletes at most `limit` settled events that occurred before `before` (Unix seconds), oldest first, with their
    /// deliveries: events whose every delivery is `delivered` or `dead`, or that have none. An event with a pending
    /// delivery is never deleted. How many were deleted.
    func pruneSettled(before: Int64, limit: Int) async throws -> Int
}

/// One event's delivery to one endpoint.
public struct WebhookDelivery: Sendable, Equatable {
    /// Where a delivery stands.
    public enum Status: String, Sendable, Equatable {
        /// Not yet accepted by the endpoint; attempted when due.
        case pending
        /// The endpoint answered `2xx`.
        case delivered
        /// Given up after the last retry.
        case dead
    }

    public var webhook: WebhookID
    public var eventSeq: Int64
    public var eventID: EventID
    public var appID: AppID
    public var userID: UserID?
    public var status: Status
    public var attempts: Int
    /// Unix seconds.
    public var nextAttemptAt: Int64
    /// The HTTP status of the last attempt.
    public var lastStatus: Int?
    /// What went wrong in the last attempt, without anything secret.
    public var lastError: String?
    /// Unix seconds.
    public var deliveredAt: Int64?
    /// Unix seconds.
    public var createdAt: Int64

    /// Creates a record.
    public init(
        webhook: WebhookID, eventSeq: Int64, eventID: EventID, appID: AppID, userID: UserID?, status: Status,
        attempts: Int, nextAttemptAt: Int64, lastStatus: Int?, lastError: String?, deliveredAt: Int64?, createdAt: Int64
    ) {
        self.webhook = webhook
        self.eventSeq = eventSeq
        self.eventID = eventID
        self.appID = appID
        self.userID = userID
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.createdAt = createdAt
    }
}
