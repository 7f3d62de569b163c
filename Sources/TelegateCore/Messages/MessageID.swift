/// A bot message's id: `msg_` and 26 Crockford base32 characters (a millisecond time and 80 random bits), returned
/// when the message is queued and used to read its status.
public struct MessageID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        guard rawValue.hasPrefix("msg_"), SortableID.isValid(rawValue.dropFirst(4)) else { return nil }
        self.rawValue = rawValue
    }

    /// A new id for a message queued at `milliseconds` since the epoch.
    public static func generate(milliseconds: UInt64) -> MessageID {
        MessageID(rawValue: "msg_" + SortableID.generate(milliseconds: milliseconds))!
    }

    public var description: String { rawValue }
}
