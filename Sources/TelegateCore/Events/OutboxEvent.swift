import Foundation
import StrictJSON

/// One event of the outbox: appended in the same transaction as the change it describes, delivered to every enabled
/// endpoint of its app that subscribes to its type.
///
/// Its body, as every endpoint receives it, is Standard Webhooks' shape:
/// `{"type": "user.created", "timestamp": "2026-12-03T20:57:30Z", "data": {"app": "poll", "user": "usr_…", …}}`.
/// ``body`` builds it; the constructors in ``OutboxEvent`` extensions build each type's `data`.
public struct OutboxEvent: Sendable, Equatable {
    /// The outbox's sequence number, assigned on append; events of one user are numbered in the order they happened.
    public var seq: Int64?
    public var id: EventID
    public var appID: AppID
    /// The user the event is about; `nil` for app-level events (`webhook.test`).
    public var userID: UserID?
    public var type: EventType
    /// The event's `data` object: `app`, `user` (when the event has one), then the type's own members.
    public var data: JSONValue
    /// Unix seconds.
    public var occurredAt: Int64

    /// Creates an event with its `data` object as given.
    public init(
        seq: Int64? = nil, id: EventID, appID: AppID, userID: UserID?, type: EventType, data: JSONValue, occurredAt: Int64
    ) {
        self.seq = seq
        self.id = id
        self.appID = appID
        self.userID = userID
        self.type = type
        self.data = data
        self.occurredAt = occurredAt
    }

    /// A new event of `type` at `occurredAt`: a fresh id, and `data` with `app`, `user` and then `members`.
    public init(
        _ type: EventType, appID: AppID, userID: UserID?, occurredAt: Int64,
        _ members: [(key: String, value: JSONValue)] = []
    ) {
        var data: [(key: String, value: JSONValue)] = [("app", .string(appID.rawValue))]
        if let userID { data.append(("user", .string(userID.rawValue))) }
        self.init(
            id: .generate(milliseconds: UInt64(max(occurredAt, 0)) * 1000), appID: appID, userID: userID, type: type,
            data: .object(data + members), occurredAt: occurredAt)
    }

    /// The body every endpoint receives: `type`, `timestamp` (RFC 3339, UTC) and `data`.
    public var body: JSONValue {
        .object([
            ("type", .string(type.rawValue)), ("timestamp", .string(Self.timestamp(occurredAt))), ("data", data),
        ])
    }

    /// `seconds` as an RFC 3339 UTC time (`2026-12-03T20:57:30Z`).
    static func timestamp(_ seconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
    }
}
