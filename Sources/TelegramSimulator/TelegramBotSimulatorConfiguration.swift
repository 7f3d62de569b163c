/// What a simulated Bot API (`api.telegram.org`) knows before any call: the bots (their tokens), the users whose
/// private chats they may write to and whether each started or blocked the bot, and the rate limits.
public struct TelegramBotSimulatorConfiguration: Sendable {
    /// A bot, known by its token.
    public struct Bot: Sendable, Equatable {
        /// The bot id: the part of the token before `:`.
        public var id: Int64
        /// The whole token, `<id>:<secret>`, as @BotFather gives it.
        public var token: String
        public var username: String
        public var firstName: String

        /// The bot whose token is `token` (`<id>:<secret>`, the secret of letters, digits, `_` and `-`); `nil` when
        /// `token` is not shaped like a bot token.
        public init?(token: String, username: String? = nil, firstName: String? = nil) {
            guard let id = Self.id(ofToken: token) else { return nil }
            self.id = id
            self.token = token
            self.username = username ?? "bot\(id)_bot"
            self.firstName = firstName ?? "Bot \(id)"
        }

        /// The bot id in a token shaped like a bot token (`<id>:<secret>`); `nil` for anything else.
        static func id(ofToken token: String) -> Int64? {
            let parts = token.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let id = Int64(parts[0]), id > 0, !parts[0].hasPrefix("0"), !parts[1].isEmpty,
                parts[1].unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") })
            else { return nil }
            return id
        }
    }

    /// Where a user stands with a bot.
    public enum ChatStatus: String, Sendable, CaseIterable {
        /// The user started the bot: it may write to them.
        case started
        /// The bot knows the user (a login, a group) but the user never started it: `403 Forbidden: bot can't
        /// initiate conversation with a user`.
        case notStarted = "not_started"
        /// The user blocked the bot: `403 Forbidden: bot was blocked by the user`.
        case blocked
    }

    /// A user's private chat (its id is the user id), known to every bot with `status` unless a bot is given
    /// another one.
    public struct Chat: Sendable, Equatable {
        public var id: Int64
        public var firstName: String
        public var username: String?
        public var status: ChatStatus

        /// Creates a chat.
        public init(id: Int64, firstName: String? = nil, username: String? = nil, status: ChatStatus = .started) {
            self.id = id
            self.firstName = firstName ?? "User \(id)"
            self.username = username
            self.status = status
        }

        /// A chat from its command-line form, `<user id>[:started|not_started|blocked]`.
        public init?(argument: String) {
            let parts = argument.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let id = Int64(parts[0]) else { return nil }
            let status = parts.count == 2 ? ChatStatus(rawValue: String(parts[1])) : .started
            guard let status else { return nil }
            self.init(id: id, status: status)
        }
    }

    /// At most `messages` messages per `window`; a window starts with its first message.
    public struct RateLimit: Sendable, Equatable {
        public var messages: Int
        public var window: Duration

        /// Creates a limit.
        public init(messages: Int, window: Duration) {
            self.messages = messages
            self.window = window
        }
    }

    public var bots: [Bot]
    public var chats: [Chat]
    /// Messages one bot may send in all (Telegram: about 30 a second).
    public var perBot = RateLimit(messages: 30, window: .seconds(1))
    /// Messages one bot may send to one chat (Telegram: about 1 a second).
    public var perChat = RateLimit(messages: 1, window: .seconds(1))

    /// Creates a configuration.
    public init(bots: [Bot], chats: [Chat]) {
        self.bots = bots
        self.chats = chats
    }

    /// The bot `telegate simulate telegram-bot` knows when it is given none (test values, not a real bot).
    public static let developmentBot = Bot(
        token: "7000000001:AAHsimulatedBotTokenForTelegateTests01", username: "telegate_dev_bot", firstName: "Telegate Dev")!

    /// What `telegate simulate telegram-bot` serves without options: the development bot, a user who started it,
    /// one who never did and one who blocked it.
    public static let development = TelegramBotSimulatorConfiguration(
        bots: [developmentBot],
        chats: [
            Chat(id: 5_000_000_001, firstName: "Ada", username: "ada_simulated"),
            Chat(id: 5_000_000_002, firstName: "Grace", status: .notStarted),
            Chat(id: 5_000_000_003, firstName: "Alan", status: .blocked),
        ])
}
