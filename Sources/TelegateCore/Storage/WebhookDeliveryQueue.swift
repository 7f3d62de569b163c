/// The webhook deliveries due for sending, as the dispatchers of every instance share them: a claim hands each due
/// delivery to exactly one dispatcher for a lease (PostgreSQL's `FOR UPDATE SKIP LOCKED`, SQLite's single writer),
/// and a claim not settled when its lease ends (a crashed instance) is claimed again.
public protocol WebhookDeliveryQueue: Sendable {
    /// Claims, for each enabled endpoint, at most `limit` deliveries due at `now` until `leaseUntil`: retries that
    /// are due (earliest due first), then first attempts in outbox order; never a delivery while an earlier one of the
    /// same endpoint and user is still pending (so one user's events reach an endpoint in order). Returned in outbox
    /// order.
    func claim(now: Int64, leaseUntil: Int64, limit: Int) async throws -> [DueWebhookDelivery]
    /// Records the outcomes of claimed deliveries, all in one write; each releases its claim.
    func settle(_ settlements: [WebhookSettlement]) async throws
    /// How many deliveries are pending, and when the oldest of them was created (Unix seconds).
    func backlog() async throws -> (pending: Int, oldestCreatedAt: Int64?)

    /// The deliveries to endpoint `webhook`, newest event first: those with `status` (all when `nil`), only those of
    /// events before sequence number `before`, at most `limit`.
    func deliveries(
        webhook: WebhookID, status: WebhookDelivery.Status?, before: Int64?, limit: Int
    ) async throws -> [WebhookDelivery]
    /// Makes the delivery of event `event` to `webhook` pending again, due at `now`, its attempts reset (an admin's
    /// replay: the receiver gets the same `webhook-id`); `false` when there is no such delivery.
    func replay(webhook: WebhookID, event: EventID, now: Int64) async throws -> Bool
    /// Replays every delivery to `webhook` of an event that occurred in `since...until` (Unix seconds); how many.
    func replay(webhook: WebhookID, since: Int64, until: Int64, now: Int64) async throws -> Int
    /// Appends `event` (a `webhook.test`) with one delivery, to `webhook` only, due at once.
    func appendTest(_ event: OutboxEvent, to webhook: WebhookID) async throws
    /// Disables endpoint `webhook` as `disabling` says (no new deliveries are written for it; its pending ones wait),
    /// or enables it again when `nil` (its pending deliveries go out).
    func setDisabled(_ disabling: WebhookDisabling?, webhook: WebhookID) async throws
}

/// A claimed delivery with everything sending it needs: the endpoint, its sealed secrets and the event.
public struct DueWebhookDelivery: Sendable, Equatable {
    public var webhook: WebhookID
    public var appID: AppID
    /// The endpoint's URL and what the outbound policy allows it.
    public var url: String
    public var allowInsecureLoopback: Bool
    public var allowPrivateNetworks: Bool
    /// The endpoint's signing secret, sealed.
    public var sealedSecret: String
    /// The secret before the last rotation, sealed, while it still signs.
    public var previousSealedSecret: String?
    /// The event, its `seq` set.
    public var event: OutboxEvent
    /// Attempts made before this one.
    public var attempts: Int

    /// Creates a due delivery.
    public init(
        webhook: WebhookID, appID: AppID, url: String, allowInsecureLoopback: Bool, allowPrivateNetworks: Bool,
        sealedSecret: String, previousSealedSecret: String?, event: OutboxEvent, attempts: Int
    ) {
        self.webhook = webhook
        self.appID = appID
        self.url = url
        self.allowInsecureLoopback = allowInsecureLoopback
        self.allowPrivateNetworks = allowPrivateNetworks
        self.sealedSecret = sealedSecret
        self.previousSealedSecret = previousSealedSecret
        self.event = event
        self.attempts = attempts
    }
}
