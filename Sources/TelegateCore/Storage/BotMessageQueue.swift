import StrictJSON

/// The bot messages waiting to be sent, as the senders of every instance share them: like the webhook deliveries
/// (``WebhookDeliveryQueue``), a claim hands each due message to exactly one sender for a lease, and a claim not
/// settled when its lease ends (a crashed instance) is claimed again.
public protocol BotMessageQueue: Sendable {
    /// Queues `request` for each of `users` of `appID`, all in one transaction or none: a user not of the app is
    /// `404 user_not_found`, one Telegram refused before `409 user_unreachable`, an app without a bot that can send
    /// `409 no_sending_bot`. Each message is sent by the bot its user last logged in with, else the app's default
    /// bot, else its first bot with a token. Returns the ids, in the order of `users`.
    func enqueue(appID: AppID, users: [UserID], request: BotMessageRequest, now: Int64) async throws -> [MessageID]
    /// The message `id` of `appID`.
    func message(appID: AppID, id: MessageID) async throws -> BotMessage?
    /// Claims at most `limit` messages due at `now` until `leaseUntil`, oldest first.
    func claim(now: Int64, leaseUntil: Int64, limit: Int) async throws -> [DueBotMessage]
    /// Records that Telegram took the message.
    func markSent(_ message: DueBotMessage, attempts: Int, telegramMessageID: Int64?, at: Int64) async throws
    /// Records a failed attempt (a rate limit, an outage) and when the next is due.
    func scheduleRetry(_ message: DueBotMessage, attempts: Int, error: String, nextAttemptAt: Int64) async throws
    /// Records that Telegram refused the message for good, appends `message.failed` (`reason`) in the same
    /// transaction, and with `unreachable` marks the user unreachable.
    func markFailed(
        _ message: DueBotMessage, attempts: Int, error: String, reason: String, unreachable: Bool, at: Int64
    ) async throws
    /// How many messages are queued (not yet sent or failed), how many of them a sender holds claimed (being sent,
    /// or left by an instance that stopped, until another claims them after the lease), and when the oldest queued
    /// was created.
    func backlog() async throws -> (queued: Int, claimed: Int, oldestCreatedAt: Int64?)
}

/// A claimed message with everything sending it needs: the bot's sealed token and Bot API endpoint, the chat and
/// the `sendMessage` parameters.
public struct DueBotMessage: Sendable, Equatable {
    public var id: MessageID
    public var appID: AppID
    public var userID: UserID
    public var botID: Int64
    /// The user's Telegram id: a private chat's id.
    public var chatID: Int64
    /// The `sendMessage` parameters without `chat_id`.
    public var parameters: JSONValue
    /// The bot token, sealed under its bot token context.
    public var sealedToken: String
    public var api: BotAPIEndpoint
    /// Attempts made before this one.
    public var attempts: Int

    /// Creates a due message.
    public init(
        id: MessageID, appID: AppID, userID: UserID, botID: Int64, chatID: Int64, parameters: JSONValue,
        sealedToken: String, api: BotAPIEndpoint, attempts: Int
    ) {
        self.id = id
        self.appID = appID
        self.userID = userID
        self.botID = botID
        self.chatID = chatID
        self.parameters = parameters
        self.sealedToken = sealedToken
        self.api = api
        self.attempts = attempts
    }
}
