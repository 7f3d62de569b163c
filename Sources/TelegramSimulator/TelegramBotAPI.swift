import Foundation
import StrictJSON
import Synchronization

/// The state of a simulated Bot API: its bots and chats, the messages each chat received, per-chat counters and
/// the rate limits; and the rules of `getMe` and `sendMessage`.
public final class TelegramBotAPI: Sendable {
    public typealias Bot = TelegramBotSimulatorConfiguration.Bot
    public typealias Chat = TelegramBotSimulatorConfiguration.Chat
    public typealias ChatStatus = TelegramBotSimulatorConfiguration.ChatStatus
    public typealias RateLimit = TelegramBotSimulatorConfiguration.RateLimit

    /// A message a chat received.
    public struct ReceivedMessage: Sendable, Equatable {
        public let messageID: Int
        public let botID: Int64
        public let chatID: Int64
        /// The text after entity parsing.
        public let text: String
        /// The `parse_mode` it was sent with.
        public let parseMode: String?
        /// The entities parsing found, as the `Message` carries them.
        public let entities: JSONValue?
        /// The `reply_markup` as sent.
        public let replyMarkup: JSONValue?
        public let disableNotification: Bool
        /// Unix seconds.
        public let date: Int64
        /// When it was received, on the ``RateClock`` its rate windows are counted on: a test reads what one bot sent
        /// in each window.
        public let receivedAt: Duration

        /// The form `GET /_simulator/telegram-bot/chats/{chat}/messages` lists it in.
        public var json: JSONValue {
            var members: [(key: String, value: JSONValue)] = [
                ("message_id", .integer(messageID)), ("bot_id", .integer(botID)), ("chat_id", .integer(chatID)),
                ("date", .integer(date)), ("text", .string(text)), ("disable_notification", .bool(disableNotification)),
            ]
            if let parseMode { members.append(("parse_mode", .string(parseMode))) }
            if let entities { members.append(("entities", entities)) }
            if let replyMarkup { members.append(("reply_markup", replyMarkup)) }
            return .object(members)
        }
    }

    /// What happened to the messages sent to one chat.
    public struct ChatCounters: Sendable, Equatable {
        /// Messages delivered.
        public var received = 0
        /// Messages refused with `403` (blocked, never started).
        public var forbidden = 0
        /// Messages refused with `429`.
        public var rateLimited = 0

        public init() {}
    }

    private struct ChatKey: Hashable {
        let bot: Int64
        let chat: Int64
    }

    private struct State {
        var bots: [Int64: Bot] = [:]
        var chats: [Int64: Chat] = [:]
        /// A bot's own standing with a chat, where it differs from the chat's.
        var statuses: [ChatKey: ChatStatus] = [:]
        var messages: [Int64: [ReceivedMessage]] = [:]
        var counters: [Int64: ChatCounters] = [:]
        var lastMessageID: [ChatKey: Int] = [:]
        var limiter: BotAPIRateLimiter
    }

    /// The time the rate windows are counted in: how long since some fixed origin. A test gives its own test clock,
    /// so that a window ends exactly when the second of the sender under test does.
    public typealias RateClock = @Sendable () -> Duration

    /// Real time, since the moment this is called.
    public static func realTime() -> RateClock {
        let origin = ContinuousClock.now
        return { ContinuousClock.now - origin }
    }

    private let state: Mutex<State>
    private let rateClock: RateClock

    /// A Bot API with `configuration`, its rate windows counted on `rateClock`.
    public init(configuration: TelegramBotSimulatorConfiguration, rateClock: @escaping RateClock = realTime()) {
        self.rateClock = rateClock
        var state = State(limiter: BotAPIRateLimiter(perBot: configuration.perBot, perChat: configuration.perChat))
        for bot in configuration.bots { state.bots[bot.id] = bot }
        for chat in configuration.chats { state.chats[chat.id] = chat }
        self.state = Mutex(state)
    }

    // MARK: Control

    /// The bots, by id.
    public var bots: [Bot] { state.withLock { $0.bots.values.sorted { $0.id < $1.id } } }

    /// Adds `bot`, or replaces the bot with its id.
    public func register(_ bot: Bot) {
        state.withLock { $0.bots[bot.id] = bot }
    }

    /// Adds `chat`, or replaces the chat with its id; with `bot`, sets only that bot's standing with the chat.
    public func register(_ chat: Chat, bot: Int64? = nil) {
        state.withLock { state in
            if let bot {
                if state.chats[chat.id] == nil { state.chats[chat.id] = chat }
                state.statuses[ChatKey(bot: bot, chat: chat.id)] = chat.status
            } else {
                state.chats[chat.id] = chat
                state.statuses = state.statuses.filter { $0.key.chat != chat.id }
            }
        }
    }

    /// Sets the per-bot limit.
    public func setPerBotLimit(_ limit: RateLimit) {
        state.withLock { $0.limiter.perBot = limit }
    }

    /// Sets the per-chat limit.
    public func setPerChatLimit(_ limit: RateLimit) {
        state.withLock { $0.limiter.perChat = limit }
    }

    /// Ends the current rate-limit windows, as if their time were up.
    public func endRateWindows() {
        state.withLock { $0.limiter.endWindows() }
    }

    /// Forgets the received messages, the counters and the rate-limit windows; bots and chats stay.
    public func reset() {
        state.withLock { state in
            state.messages.removeAll()
            state.counters.removeAll()
            state.lastMessageID.removeAll()
            state.limiter.endWindows()
        }
    }

    /// The messages `chat` received, oldest first.
    public func messages(chat: Int64) -> [ReceivedMessage] {
        state.withLock { $0.messages[chat] ?? [] }
    }

    /// The counters of `chat`.
    public func counters(chat: Int64) -> ChatCounters {
        state.withLock { $0.counters[chat] ?? ChatCounters() }
    }

    /// Every chat with its standing and counters, for `GET /_simulator/telegram-bot/chats`.
    var chatsJSON: JSONValue {
        state.withLock { state in
            .array(
                state.chats.values.sorted { $0.id < $1.id }.map { chat in
                    let counters = state.counters[chat.id] ?? ChatCounters()
                    let byBot = state.statuses.filter { $0.key.chat == chat.id }.sorted { $0.key.bot < $1.key.bot }
                    var members: [(key: String, value: JSONValue)] = [
                        ("id", .integer(chat.id)), ("status", .string(chat.status.rawValue)),
                        ("received", .integer(counters.received)), ("forbidden", .integer(counters.forbidden)),
                        ("rate_limited", .integer(counters.rateLimited)),
                    ]
                    if !byBot.isEmpty {
                        members.append(("status_by_bot", .object(byBot.map { (String($0.key.bot), .string($0.value.rawValue)) })))
                    }
                    return .object(members)
                })
        }
    }

    // MARK: Bot API

    /// The bot whose token is `token`.
    func bot(token: String) -> Bot? {
        state.withLock { state in state.bots.values.first { $0.token == token } }
    }

    /// `getMe`: the bot as a `User`.
    func getMe(_ bot: Bot) -> JSONValue {
        .object([
            ("id", .integer(bot.id)), ("is_bot", .bool(true)), ("first_name", .string(bot.firstName)),
            ("username", .string(bot.username)), ("can_join_groups", .bool(true)), ("can_read_all_group_messages", .bool(false)),
            ("supports_inline_queries", .bool(false)), ("can_connect_to_business", .bool(false)),
            ("has_main_web_app", .bool(false)),
        ])
    }

    /// `sendMessage`, checked in Telegram's order: the text and its entities, the reply markup, the chat and the
    /// bot's standing with it, then the rate limits; the sent `Message`.
    func sendMessage(_ bot: Bot, _ parameters: BotAPIParameters) throws(BotAPIError) -> JSONValue {
        let text = try BotMessageText(parameters["text"] ?? "", parseMode: parameters["parse_mode"])
        let markup = try parameters["reply_markup"].flatMap { markup throws(BotAPIError) in
            markup.isEmpty ? nil : try BotReplyMarkup.read(markup)
        }
        guard let chatID = parameters["chat_id"], !chatID.isEmpty else { throw .badRequest("chat_id is empty") }
        let now = rateClock()
        let date = Int64(Date().timeIntervalSince1970)
        let outcome = state.withLock { state -> Result<(ReceivedMessage, Chat), BotAPIError> in
            guard let id = Int64(chatID), let chat = state.chats[id] else { return .failure(.badRequest("chat not found")) }
            switch state.statuses[ChatKey(bot: bot.id, chat: id)] ?? chat.status {
            case .started: break
            case .notStarted:
                state.counters[id, default: ChatCounters()].forbidden += 1
                return .failure(.forbidden("bot can't initiate conversation with a user"))
            case .blocked:
                state.counters[id, default: ChatCounters()].forbidden += 1
                return .failure(.forbidden("bot was blocked by the user"))
            }
            if let retryAfter = state.limiter.admit(bot: bot.id, chat: id, at: now) {
                state.counters[id, default: ChatCounters()].rateLimited += 1
                return .failure(.tooManyRequests(retryAfter: retryAfter))
            }
            let key = ChatKey(bot: bot.id, chat: id)
            let messageID = state.lastMessageID[key, default: 0] + 1
            state.lastMessageID[key] = messageID
            let message = ReceivedMessage(
                messageID: messageID, botID: bot.id, chatID: id, text: text.text, parseMode: parameters["parse_mode"],
                entities: text.entitiesJSON, replyMarkup: markup, disableNotification: parameters.flag("disable_notification"),
                date: date, receivedAt: now)
            state.messages[id, default: []].append(message)
            state.counters[id, default: ChatCounters()].received += 1
            return .success((message, chat))
        }
        let (message, chat) = try outcome.get()
        return Self.messageJSON(message, bot: bot, chat: chat)
    }

    /// The `Message` `sendMessage` answers with.
    private static func messageJSON(_ message: ReceivedMessage, bot: Bot, chat: Chat) -> JSONValue {
        var chatMembers: [(key: String, value: JSONValue)] = [("id", .integer(chat.id)), ("first_name", .string(chat.firstName))]
        if let username = chat.username { chatMembers.append(("username", .string(username))) }
        chatMembers.append(("type", .string("private")))
        var members: [(key: String, value: JSONValue)] = [
            ("message_id", .integer(message.messageID)),
            (
                "from",
                .object([
                    ("id", .integer(bot.id)), ("is_bot", .bool(true)), ("first_name", .string(bot.firstName)),
                    ("username", .string(bot.username)),
                ])
            ),
            ("chat", .object(chatMembers)), ("date", .integer(message.date)), ("text", .string(message.text)),
        ]
        if let entities = message.entities { members.append(("entities", entities)) }
        if let keyboard = message.replyMarkup?["inline_keyboard"] {
            members.append(("reply_markup", .object([("inline_keyboard", keyboard)])))
        }
        return .object(members)
    }
}
