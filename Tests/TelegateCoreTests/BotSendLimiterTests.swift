import Testing

@testable import TelegateRuntime

/// The sender's own flood limits, counted in seconds of its clock.
@Suite("Bot send limiter")
struct BotSendLimiterTests {
    @Test("At most 30 messages a second per bot and 1 a second per chat; the next second starts afresh")
    func limits() async {
        let limiter = BotSendLimiter(perBot: 30, perChat: 1)
        var admitted = 0
        for chat in Int64(0)..<40 where await limiter.admit(bot: 1, chat: chat, now: 100) { admitted += 1 }
        #expect(admitted == 30)
        #expect(await limiter.admit(bot: 2, chat: 0, now: 100))
        #expect(await !limiter.admit(bot: 2, chat: 0, now: 100))
        #expect(await limiter.admit(bot: 1, chat: 0, now: 101))
        #expect(await limiter.admit(bot: 2, chat: 0, now: 101))
    }

    @Test("A pass still in a second already past sends nothing: the next second's count is not started afresh")
    func pastSecond() async {
        let limiter = BotSendLimiter(perBot: 2, perChat: 1)
        #expect(await limiter.admit(bot: 1, chat: 1, now: 100))
        #expect(await limiter.admit(bot: 1, chat: 2, now: 101))
        #expect(await !limiter.admit(bot: 1, chat: 3, now: 100))
        #expect(await limiter.admit(bot: 1, chat: 3, now: 101))
        #expect(await !limiter.admit(bot: 1, chat: 4, now: 101))
    }
}
