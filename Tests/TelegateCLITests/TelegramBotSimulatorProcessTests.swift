import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// `telegate simulate telegram-bot` as it runs for a developer: a process of its own, its bots and chats given on
/// the command line, answering like the Bot API and counting what each chat received.
@Suite("telegate simulate telegram-bot")
struct TelegramBotSimulatorProcessTests {
    static let token = "7000000123:AAE-process_Test"
    static let started = 5_000_000_201
    static let blocked = 5_000_000_202

    @Test("As a process: getMe, sendMessage (sent, blocked, 429 past the chat's limit) and the counters of each chat")
    func process() async throws {
        let simulator = SimulatorProcess(
            kind: "telegram-bot", arguments: ["--bot", Self.token, "--chat", "\(Self.started)", "--chat", "\(Self.blocked):blocked"],
            liftsRateLimit: false)
        try await simulator.start()
        do {
            try await Self.exercise(simulator)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    private static func exercise(_ simulator: SimulatorProcess) async throws {
        let me = try await simulator.send(.GET, "/bot\(token)/getMe")
        #expect(me.status == 200)
        let bot = try object(me.body)["result"] as? [String: Any]
        #expect(bot?["id"] as? Int == 7_000_000_123)
        #expect(bot?["is_bot"] as? Bool == true)
        #expect(try await simulator.send(.GET, "/bot7000000123:AAE-other/getMe").status == 401)

        // One chat per second is Telegram's rule; a window of an hour makes the second message refused on any machine.
        let limit = try await simulator.send(.PUT, "/_simulator/telegram-bot/chat/rate_limit", body: #"{"requests": 1, "seconds": 3600}"#)
        #expect(limit.status == 204)
        let message = #"{"chat_id": \#(started), "text": "<b>Hi</b> there", "parse_mode": "HTML", "disable_notification": true}"#
        let sent = try await send(simulator, message)
        #expect(sent.status == 200)
        let result = try object(sent.body)["result"] as? [String: Any]
        #expect(result?["text"] as? String == "Hi there")
        #expect((result?["chat"] as? [String: Any])?["id"] as? Int == started)
        let again = try await send(simulator, message)
        #expect(again.status == 429)
        let retryAfter = (try object(again.body)["parameters"] as? [String: Any])?["retry_after"] as? Int
        #expect((3_500...3_600).contains(retryAfter ?? 0), "\(String(decoding: again.body, as: UTF8.self))")
        let refused = try await send(simulator, #"{"chat_id": \#(blocked), "text": "Hi"}"#)
        #expect(refused.status == 403)
        #expect(try object(refused.body)["description"] as? String == "Forbidden: bot was blocked by the user")

        // The counters: what each chat received, and what was refused.
        let chats = try object(try await simulator.send(.GET, "/_simulator/telegram-bot/chats").body)["chats"] as? [[String: Any]]
        var byID: [Int: [String: Any]] = [:]
        for chat in chats ?? [] { if let id = chat["id"] as? Int { byID[id] = chat } }
        #expect(byID[started]?["received"] as? Int == 1)
        #expect(byID[started]?["rate_limited"] as? Int == 1)
        #expect(byID[blocked]?["received"] as? Int == 0)
        #expect(byID[blocked]?["forbidden"] as? Int == 1)
        let received = try object(
            try await simulator.send(.GET, "/_simulator/telegram-bot/chats/\(started)/messages").body)["messages"] as? [[String: Any]]
        #expect(received?.count == 1)
        #expect(received?.first?["text"] as? String == "Hi there")
        #expect(received?.first?["parse_mode"] as? String == "HTML")
        #expect(received?.first?["disable_notification"] as? Bool == true)
        let calls = try object(try await simulator.send(.GET, "/_simulator/calls").body)
        #expect(calls["getMe"] as? Int == 2)
        #expect(calls["sendMessage"] as? Int == 3)
    }

    private static func send(_ simulator: SimulatorProcess, _ json: String) async throws -> (status: Int, body: Data) {
        try await simulator.send(.POST, "/bot\(token)/sendMessage", body: json, headers: [("content-type", "application/json")])
    }

    private static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
