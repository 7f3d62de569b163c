/// An event's id: `evt_` and 26 Crockford base32 characters (a millisecond time and 80 random bits). It is the
/// `webhook-id` of every delivery of the event, the same on retries and replays, so receivers deduplicate by it.
public struct EventID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        guard rawValue.hasPrefix("evt_"), SortableID.isValid(rawValue.dropFirst(4)) else { return nil }
        self.rawValue = rawValue
    }

    /// A new id for an event at `milliseconds` since the epoch.
    public static func generate(milliseconds: UInt64) -> EventID {
        EventID(rawValue: "evt_" + SortableID.generate(milliseconds: milliseconds))!
    }

    public var description: String { rawValue }
}

/// A webhook endpoint's id: `whk_` and 26 Crockford base32 characters, assigned when the endpoint is added.
public struct WebhookID: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        guard rawValue.hasPrefix("whk_"), SortableID.isValid(rawValue.dropFirst(4)) else { return nil }
        self.rawValue = rawValue
    }

    /// A new id for an endpoint added at `milliseconds` since the epoch.
    public static func generate(milliseconds: UInt64) -> WebhookID {
        WebhookID(rawValue: "whk_" + SortableID.generate(milliseconds: milliseconds))!
    }

    public var description: String { rawValue }

    public static func < (lhs: WebhookID, rhs: WebhookID) -> Bool { lhs.rawValue < rhs.rawValue }
}
