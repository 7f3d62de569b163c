import StrictJSON

/// A queued bot message as its sender reports it (`GET …/messages/{id}`).
public struct BotMessage: Sendable, Equatable {
    /// Where a message is.
    public enum Status: String, Sendable {
        /// Waiting for its turn (or for a retry after a rate limit or an outage).
        case queued
        /// Telegram took it.
        case sent
        /// Telegram refused it for good (blocked, never started, bad request); never retried.
        case failed
    }

    public var id: MessageID
    public var appID: AppID
    public var userID: UserID
    /// The bot sending it.
    public var botID: Int64?
    public var status: Status
    /// Attempts made.
    public var attempts: Int
    /// Telegram's id of the sent message.
    public var telegramMessageID: Int64?
    /// Why the last attempt failed, without any token or text.
    public var error: String?
    /// Unix seconds.
    public var createdAt: Int64
    public var sentAt: Int64?

    /// Creates a record.
    public init(
        id: MessageID, appID: AppID, userID: UserID, botID: Int64?, status: Status, attempts: Int,
        telegramMessageID: Int64?, error: String?, createdAt: Int64, sentAt: Int64?
    ) {
        self.id = id
        self.appID = appID
        self.userID = userID
        self.botID = botID
        self.status = status
        self.attempts = attempts
        self.telegramMessageID = telegramMessageID
        self.error = error
        self.createdAt = createdAt
        self.sentAt = sentAt
    }

    /// The admin API's view of the message.
    public var json: JSONValue {
        .object([
            ("id", .string(id.rawValue)), ("user", .string(userID.rawValue)), ("bot", botID.map { .integer($0) } ?? .null),
            ("status", .string(status.rawValue)), ("attempts", .integer(Int64(attempts))),
            ("telegramMessageId", telegramMessageID.map { .integer($0) } ?? .null),
            ("error", error.map(JSONValue.string) ?? .null), ("createdAt", .integer(createdAt)),
            ("sentAt", sentAt.map { .integer($0) } ?? .null),
        ])
    }
}
