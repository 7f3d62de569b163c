/// Telegram's flood control for `sendMessage`, counted in fixed windows: a bot may send `perBot.messages` in a
/// `perBot.window` and `perChat.messages` to one chat in a `perChat.window`, each window starting with its first
/// message. Times are the Bot API's ``TelegramBotAPI/RateClock`` readings, so a test can run the windows on the same
/// clock as the sender it tests. Windows end when their time is up or when ``endWindows()`` ends them all.
struct BotAPIRateLimiter {
    private struct Window {
        let start: Duration
        var count: Int
    }

    private struct ChatKey: Hashable {
        let bot: Int64
        let chat: Int64
    }

    var perBot: TelegramBotSimulatorConfiguration.RateLimit
    var perChat: TelegramBotSimulatorConfiguration.RateLimit
    private var bots: [Int64: Window] = [:]
    private var chats: [ChatKey: Window] = [:]

    init(perBot: TelegramBotSimulatorConfiguration.RateLimit, perChat: TelegramBotSimulatorConfiguration.RateLimit) {
        self.perBot = perBot
        self.perChat = perChat
    }

    /// Counts one message of `bot` to `chat` at `now`, or answers how many seconds to wait (`retry_after`) when a
    /// limit is reached; a refused message is not counted.
    mutating func admit(bot: Int64, chat: Int64, at now: Duration) -> Int? {
        var botWindow = Self.current(bots[bot], limit: perBot, at: now)
        var chatWindow = Self.current(chats[ChatKey(bot: bot, chat: chat)], limit: perChat, at: now)
        if botWindow.count >= perBot.messages { return Self.retryAfter(botWindow, limit: perBot, at: now) }
        if chatWindow.count >= perChat.messages { return Self.retryAfter(chatWindow, limit: perChat, at: now) }
        botWindow.count += 1
        chatWindow.count += 1
        bots[bot] = botWindow
        chats[ChatKey(bot: bot, chat: chat)] = chatWindow
        return nil
    }

    /// Ends every window, as if its time were up.
    mutating func endWindows() {
        bots.removeAll()
        chats.removeAll()
    }

    private static func current(_ window: Window?, limit: TelegramBotSimulatorConfiguration.RateLimit, at now: Duration)
        -> Window
    {
        guard let window, now < window.start + limit.window else { return Window(start: now, count: 0) }
        return window
    }

    /// Whole seconds until `window` ends, at least 1.
    private static func retryAfter(_ window: Window, limit: TelegramBotSimulatorConfiguration.RateLimit, at now: Duration) -> Int {
        let remaining = (window.start + limit.window) - now
        let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
        return max(1, Int(seconds.rounded(.up)))
    }
}
