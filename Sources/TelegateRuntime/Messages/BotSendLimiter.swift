/// Telegram's flood limits as this instance keeps them, before Telegram has to say so: at most ``perBot`` messages
/// per second from one bot and ``perChat`` per second to one chat, counted in whole seconds of the sender's clock.
/// Per instance: several instances together can exceed it, and Telegram's `429` with `retry_after` is then honoured.
actor BotSendLimiter {
    private struct ChatKey: Hashable {
        let bot: Int64
        let chat: Int64
    }

    let perBot: Int
    let perChat: Int
    private var second: Int64 = .min
    private var bots: [Int64: Int] = [:]
    private var chats: [ChatKey: Int] = [:]

    init(perBot: Int, perChat: Int) {
        self.perBot = perBot
        self.perChat = perChat
    }

    /// Counts one message of `bot` to `chat` in second `now`, or returns `false` (not counted) when a limit is reached;
    /// the next second starts afresh. A second already past is refused too: a pass that read the clock before another
    /// started the next second would otherwise count its messages afresh, and they would reach Telegram in that next
    /// second beside its own.
    func admit(bot: Int64, chat: Int64, now: Int64) -> Bool {
        guard now >= second else { return false }
        if now > second {
            second = now
            bots.removeAll(keepingCapacity: true)
            chats.removeAll(keepingCapacity: true)
        }
        let key = ChatKey(bot: bot, chat: chat)
        guard bots[bot, default: 0] < perBot, chats[key, default: 0] < perChat else { return false }
        bots[bot, default: 0] += 1
        chats[key, default: 0] += 1
        return true
    }
}
