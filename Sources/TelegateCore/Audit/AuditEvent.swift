import StrictJSON

/// Something worth a record: an admin change or a security event. Details never contain secret values.
public struct AuditEvent: Sendable, Equatable {
    /// Whether the audited action succeeded.
    public enum Outcome: String, Sendable, Equatable {
        case success
        case failure
    }

    /// The store's sequence number, assigned on append.
    public var sequence: Int64?
    /// Unix seconds.
    public var at: Int64
    public var appID: AppID?
    /// Who acted: `system`, `admin:<token name>`, `user:<user id>`.
    public var actor: String
    /// What happened, as `noun.verb` (`user.created`, `refresh.reuse_detected`, `keys.rotated`).
    public var action: String
    /// What it happened to (`user:usr_…`, `adapter:clerk`).
    public var target: String?
    public var outcome: Outcome
    /// Non-secret details.
    public var details: JSONValue
    /// The request that caused it.
    public var requestID: String?

    /// Creates an event.
    public init(
        sequence: Int64? = nil, at: Int64, appID: AppID?, actor: String, action: String, target: String? = nil,
        outcome: Outcome = .success, details: JSONValue = .object([]), requestID: String? = nil
    ) {
        self.sequence = sequence
        self.at = at
        self.appID = appID
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.details = details
        self.requestID = requestID
    }
}
