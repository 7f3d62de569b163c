import Foundation
import StrictJSON
import TelegateApp
import TelegateCore
import TelegateRuntime
import TelegramAuth
import TelegramSimulator
import TelegateTesting
import TestSupport
import Testing

/// Bot messages end to end against the Bot API simulator: a batch within Telegram's limits, a blocked user, a user
/// who never started the bot, an unknown chat, a `429` with `retry_after`, refusals that queue nothing, and the
/// `messages:send` token. The sender is driven by hand with the test clock, and the simulator counts its rate windows
/// on the same clock: a window ends exactly when the sender's second does, however slowly the machine runs.
@Suite("Bot messages")
struct BotMessageTests {
    static let botID: Int64 = 7_000_000_001
    static let firstChat: Int64 = 5_000_000_100

    /// The simulator knowing the poll bot and `chats` (started unless `status` says otherwise), its rate windows
    /// counted on `clock`.
    static func simulator(clock: TestClock, chats: [Int64], status: [Int64: TelegramBotAPI.ChatStatus] = [:])
        -> TelegramBotSimulator
    {
        let bot = TelegramBotSimulatorConfiguration.Bot(token: TestService.pollToken, username: "poll_bot")!
        return TelegramBotSimulator(
            configuration: TelegramBotSimulatorConfiguration(
                bots: [bot], chats: chats.map { .init(id: $0, status: status[$0] ?? .started) }),
            rateClock: { .seconds(clock.now) })
    }

    /// Points the poll bot at the simulator at `base` and creates a user of `app` per chat. Their profiles say
    /// `allows_write_to_pm` false, as a Login Widget or OpenID proof leaves it: Telegram alone knows whether the user
    /// started the bot.
    static func prepare(_ service: TestService, base: String, chats: [Int64], app: String = "poll") async throws -> [UserID] {
        _ = try await service.application.admin.handle(
            .patch, "/apps/poll/bots/\(botID)",
            body: .object([("apiURL", .string(base)), ("allowInsecureLoopback", .bool(true))]), caller: .local)
        var users: [UserID] = []
        for chat in chats {
            let now = service.clock.now
            let user = UserRecord(
                id: UserID.generate(milliseconds: UInt64(now) * 1000 + UInt64(chat % 1000)),
                appID: AppID(rawValue: app)!, telegramID: chat, status: .active,
                profile: UserProfile(firstName: "User \(chat)"), profileAuthDate: now, createdAt: now, updatedAt: now)
            users.append(try await service.application.services.storage.users.insertIfAbsent(user).user.id)
        }
        return users
    }

    /// An app-scoped token limited to `messages:send`.
    static func sendToken(_ service: TestService, app: String = "poll") async throws -> String {
        let reply = try await service.application.admin.handle(
            .post, "/tokens",
            body: .object([
                ("name", .string("notify-\(UUID().uuidString.prefix(8))")), ("app", .string(app)),
                ("permissions", .array([.string("messages:send")])),
            ]), caller: .local)
        let token = reply.body?["token"]?.stringValue ?? ""
        service.rememberSecrets([token])
        return token
    }

    /// Sends what is due, a second of the test clock at a time (the simulator's windows end with it), until
    /// `condition` holds. The server's own sender runs beside this test's passes, so the clock moves only when a pass
    /// sent nothing and no message is claimed: then no send is in flight that would reach the simulator in the next
    /// second, beside that second's own.
    static func send(_ service: TestService, until condition: () async throws -> Bool) async throws -> Bool {
        try await waitUntil("the messages reach the expected state", timeout: 60, interval: 10) {
            if try await condition() { return true }
            if await service.application.messages.sendDue() == 0,
                try await service.application.services.storage.botMessages.backlog().claimed == 0
            {
                service.clock.advance(1)
            }
            return try await condition()
        }
    }

    /// The service's `/metrics` text.
    static func metrics(_ service: TestService) async throws -> String {
        try await service.request(.get, "/metrics").body
    }

    /// Whether `/metrics` comes to hold every one of `lines` (each a whole line): the sender counts an attempt right
    /// after recording it, and the server's own sender may still be at it.
    static func metrics(_ service: TestService, contain lines: [String]) async throws -> Bool {
        try await waitUntil("the metrics count the attempts") {
            let text = try await Self.metrics(service)
            return lines.allSatisfy { text.contains($0 + "\n") }
        }
    }

    /// How many messages the database holds queued (the durable backlog, of every instance): what a refusal must
    /// not have added to.
    static func queued(_ service: TestService) async throws -> Int {
        try await service.application.services.storage.botMessages.backlog().queued
    }

    static func status(_ service: TestService, _ id: String) async throws -> JSONValue? {
        try await service.application.admin.handle(.get, "/apps/poll/messages/\(id)", caller: .local).body
    }

    @Test("200 users notified in one batch all receive it within Telegram's limits: no 429, 30 a second per bot, 1 per chat")
    func batch() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let chats = (0..<200).map { Self.firstChat + Int64($0) }
        let simulator = Self.simulator(clock: clock, chats: chats)
        try await LoopbackServer.serving({ simulator.makeRouter() }) { base in
            try await TestService.run(clock: clock) { service in
                let users = try await Self.prepare(service, base: base, chats: chats)
                let token = try await Self.sendToken(service)
                let reply = try await service.admin(
                    .post, "/apps/poll/messages",
                    body: .object([
                        ("users", .array(users.map { .string($0.rawValue) })),
                        ("text", .string("A <b>meetup</b> is scheduled")), ("parse_mode", .string("HTML")), ("silent", .bool(true)),
                        (
                            "buttons",
                            .array([.array([.object([("text", .string("Open")), ("web_app", .object([("url", .string("https://poll.example.com/app"))]))])])])
                        ),
                    ]), token: token)
                #expect(reply.status == 202, "\(reply.body)")
                let ids = reply.json["items"]?.arrayElements?.compactMap { $0["id"]?.stringValue } ?? []
                #expect(ids.count == 200)
                #expect(try await Self.send(service) {
                    try await ids.asyncMap { try await Self.status(service, $0)?["status"]?.stringValue }.allSatisfy { $0 == "sent" }
                })
                // Every chat received the message once, and Telegram never had to refuse one: the sender kept the
                // limits itself. The simulator's windows are seconds of the test clock, as the sender's are.
                #expect(chats.allSatisfy { simulator.api.messages(chat: $0).count == 1 })
                #expect(chats.allSatisfy { simulator.api.counters(chat: $0).rateLimited == 0 })
                let received = chats.flatMap { simulator.api.messages(chat: $0) }
                let perBot = Dictionary(grouping: received) { "\($0.botID)@\($0.receivedAt.components.seconds)" }
                let perChat = Dictionary(grouping: received) { "\($0.chatID)@\($0.receivedAt.components.seconds)" }
                #expect(perBot.values.allSatisfy { $0.count <= 30 }, "\(perBot.mapValues(\.count).sorted { $0.key < $1.key })")
                #expect(perChat.values.allSatisfy { $0.count <= 1 })
                #expect(try await Self.metrics(
                    service,
                    contain: ["telegate_messages_total{result=\"sent\"} 200", "telegate_messages_total{result=\"rate_limited\"} 0"]))
                // What Telegram received: the parsed text and its entities, silently, with the Mini App's button.
                let first = try #require(simulator.api.messages(chat: chats[0]).first)
                #expect(first.text == "A meetup is scheduled")
                #expect(first.parseMode == "HTML")
                #expect(first.entities == .array([.object([("offset", .integer(2)), ("length", .integer(6)), ("type", .string("bold"))])]))
                #expect(first.disableNotification)
                let button = first.replyMarkup?["inline_keyboard"]?.arrayElements?.first?.arrayElements?.first
                #expect(button?["text"]?.stringValue == "Open")
                #expect(button?["web_app"]?["url"]?.stringValue == "https://poll.example.com/app")
                #expect(received.allSatisfy { $0.text == first.text && $0.disableNotification && $0.replyMarkup == first.replyMarkup })
            }
        }
    }

    @Test("A user who blocked the bot is marked unreachable with message.failed, never retried, and refused next time")
    func blocked() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let chat = Self.firstChat
        let simulator = Self.simulator(clock: clock, chats: [chat], status: [chat: .blocked])
        try await LoopbackServer.serving({ simulator.makeRouter() }) { base in
            try await TestService.run(clock: clock) { service in
                let users = try await Self.prepare(service, base: base, chats: [chat])
                let token = try await Self.sendToken(service)
                let reply = try await service.admin(
                    .post, "/apps/poll/users/\(users[0])/messages", body: .object([("text", .string("Hello"))]), token: token)
                #expect(reply.status == 202)
                let id = try #require(reply.json["id"]?.stringValue)
                #expect(try await Self.send(service) {
                    try await Self.status(service, id)?["status"]?.stringValue == "failed"
                })
                #expect(simulator.api.counters(chat: chat).forbidden == 1)
                #expect(try await Self.metrics(
                    service,
                    contain: ["telegate_messages_total{result=\"unreachable\"} 1", "telegate_messages_total{result=\"failed\"} 0"]))
                let events = try await service.application.services.storage.events.events(
                    appID: AppSpec.pollID, after: nil, limit: 100)
                let failed = events.filter { $0.type == .messageFailed }
                #expect(failed.count == 1)
                #expect(failed.first?.data["reason"]?.stringValue == "blocked")
                #expect(failed.first?.data["message"]?.stringValue == id)

                // No retry: more passes send nothing more.
                clock.advance(3_600)
                #expect(await service.application.messages.sendDue() == 0)
                #expect(simulator.api.counters(chat: chat).forbidden == 1)
                let again = try await service.admin(
                    .post, "/apps/poll/users/\(users[0])/messages", body: .object([("text", .string("Hello"))]), token: token)
                #expect(again.status == 409)
                #expect(again.code == "user_unreachable")
            }
        }
    }

    @Test("A user who never started the bot, and a chat Telegram does not know: one call each, unreachable, message.failed, never retried")
    func neverStartedAndUnknownChat() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let (neverStarted, unknown) = (Self.firstChat, Self.firstChat + 1)
        // The simulator knows only the first chat, whose user never started the bot; the second is not a chat at all.
        let simulator = Self.simulator(clock: clock, chats: [neverStarted], status: [neverStarted: .notStarted])
        try await LoopbackServer.serving({ simulator.makeRouter() }) { base in
            try await TestService.run(clock: clock) { service in
                let users = try await Self.prepare(service, base: base, chats: [neverStarted, unknown])
                let token = try await Self.sendToken(service)
                var ids: [String] = []
                for user in users {
                    let reply = try await service.admin(
                        .post, "/apps/poll/users/\(user)/messages", body: .object([("text", .string("Hello"))]), token: token)
                    #expect(reply.status == 202, "\(reply.body)")
                    ids.append(reply.json["id"]?.stringValue ?? "")
                }
                #expect(try await Self.send(service) {
                    try await ids.asyncMap { try await Self.status(service, $0)?["status"]?.stringValue }.allSatisfy { $0 == "failed" }
                })
                // One call each: Telegram's answer decides, and nothing reached either chat.
                #expect(simulator.control.calls("sendMessage") == 2)
                #expect(simulator.api.counters(chat: neverStarted).forbidden == 1)
                #expect(simulator.api.messages(chat: neverStarted).isEmpty && simulator.api.messages(chat: unknown).isEmpty)
                for id in ids {
                    let status = try await Self.status(service, id)
                    #expect(status?["attempts"]?.integerValue == 1)
                    #expect(status?["sentAt"] == .null)
                }
                #expect(try await Self.status(service, ids[0])?["error"]?.stringValue == "refused by Telegram: never_started")
                #expect(try await Self.status(service, ids[1])?["error"]?.stringValue == "refused by Telegram: chat_not_found")
                #expect(try await Self.metrics(
                    service,
                    contain: [
                        "telegate_messages_total{result=\"unreachable\"} 2", "telegate_messages_total{result=\"failed\"} 0",
                        "telegate_messages_total{result=\"retried\"} 0", "telegate_messages_total{result=\"rate_limited\"} 0",
                    ]))
                let events = try await service.application.services.storage.events.events(
                    appID: AppSpec.pollID, after: nil, limit: 100)
                let failed = events.filter { $0.type == .messageFailed }
                #expect(failed.count == 2)
                #expect(failed.first { $0.data["message"]?.stringValue == ids[0] }?.data["reason"]?.stringValue == "never_started")
                #expect(failed.first { $0.data["message"]?.stringValue == ids[1] }?.data["reason"]?.stringValue == "chat_not_found")

                // No retry, however long one waits; the next message to either user is refused, and nothing is queued.
                clock.advance(3_600)
                #expect(await service.application.messages.sendDue() == 0)
                #expect(simulator.control.calls("sendMessage") == 2)
                for user in users {
                    let again = try await service.admin(
                        .post, "/apps/poll/users/\(user)/messages", body: .object([("text", .string("Hello"))]), token: token)
                    #expect(again.status == 409)
                    #expect(again.code == "user_unreachable")
                }
                #expect(try await Self.queued(service) == 0)
                #expect(simulator.control.calls("sendMessage") == 2)
            }
        }
    }

    @Test("Telegram's 429 moves the message to after retry_after, and it is sent then")
    func retryAfter() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let chats = [Self.firstChat, Self.firstChat + 1]
        let simulator = Self.simulator(clock: clock, chats: chats)
        simulator.api.setPerBotLimit(.init(messages: 1, window: .seconds(60)))
        try await LoopbackServer.serving({ simulator.makeRouter() }) { base in
            try await TestService.run(clock: clock) { service in
                let users = try await Self.prepare(service, base: base, chats: chats)
                let reply = try await service.application.admin.handle(
                    .post, "/apps/poll/messages",
                    body: .object([("users", .array(users.map { .string($0.rawValue) })), ("text", .string("Hi"))]),
                    caller: .local)
                let ids = reply.body?["items"]?.arrayElements?.compactMap { $0["id"]?.stringValue } ?? []
                try #require(ids.count == 2)
                let before = try await Self.metrics(service)
                #expect(before.contains("telegate_message_queue_depth 2\n"), "\(before)")
                #expect(before.contains("telegate_messages_total{result=\"sent\"} 0\n"))
                #expect(before.contains("telegate_message_oldest_queued_seconds "))
                // One is sent; the other is answered 429 (retry_after 60) and waits, its attempt counted.
                var waiting: JSONValue?
                #expect(try await waitUntil("one message sent, one waiting after a 429") {
                    await service.application.messages.sendDue()
                    let statuses = try await ids.asyncMap { try await Self.status(service, $0) }
                    waiting = statuses.first { $0?["status"]?.stringValue == "queued" } ?? nil
                    return statuses.contains { $0?["status"]?.stringValue == "sent" }
                        && waiting?["attempts"]?.integerValue == 1
                })
                #expect(waiting?["error"]?.stringValue?.contains("429") == true)
                #expect(chats.reduce(0) { $0 + simulator.api.counters(chat: $1).rateLimited } == 1)
                // Not due before retry_after: nothing more reaches Telegram meanwhile.
                clock.advance(59)
                await service.application.messages.sendDue()
                #expect(chats.reduce(0) { $0 + simulator.api.counters(chat: $1).rateLimited } == 1)
                #expect(chats.reduce(0) { $0 + simulator.api.messages(chat: $1).count } == 1)
                clock.advance(1)
                #expect(try await waitUntil("the waiting message sent after retry_after") {
                    await service.application.messages.sendDue()
                    return try await ids.asyncMap { try await Self.status(service, $0)?["status"]?.stringValue }
                        .allSatisfy { $0 == "sent" }
                })
                #expect(chats.allSatisfy { simulator.api.messages(chat: $0).count == 1 })
                // Neither silent nor parsed when the request says neither.
                let plain = chats.compactMap { simulator.api.messages(chat: $0).first }
                #expect(plain.allSatisfy { !$0.disableNotification && $0.parseMode == nil && $0.entities == nil })
                // The counters moved: two sent, one 429; nothing is queued any more.
                let after = try await Self.metrics(service)
                #expect(after.contains("telegate_messages_total{result=\"sent\"} 2\n"), "\(after)")
                #expect(after.contains("telegate_messages_total{result=\"rate_limited\"} 1\n"))
                #expect(after.contains("telegate_messages_total{result=\"unreachable\"} 0\n"))
                #expect(after.contains("telegate_message_queue_depth 0\n"))
                #expect(after.contains("telegate_message_oldest_queued_seconds 0\n"))
            }
        }
    }

    @Test("Bad input is refused with a documented code and nothing is queued; the messages:send token can do nothing else")
    func refusals() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let simulator = Self.simulator(clock: clock, chats: [Self.firstChat])
        try await LoopbackServer.serving({ simulator.makeRouter() }) { base in
            try await TestService.run(clock: clock) { service in
                let users = try await Self.prepare(service, base: base, chats: [Self.firstChat])
                let quizUsers = try await Self.prepare(service, base: base, chats: [Self.firstChat + 1], app: "quiz")
                let token = try await Self.sendToken(service)
                let path = "/apps/poll/users/\(users[0])/messages"
                let bad: [(JSONValue, Int, String)] = [
                    (.object([("text", .string(""))]), 422, "invalid_field"),
                    (.object([("text", .string(String(repeating: "a", count: 4097)))]), 422, "invalid_field"),
                    (.object([("text", .string("Hi")), ("parse_mode", .string("BBCode"))]), 422, "invalid_field"),
                    (
                        .object([
                            ("text", .string("Hi")),
                            ("buttons", .array([.array([.object([("text", .string("Open")), ("web_app", .object([("url", .string("http://poll.example.com"))]))])])])),
                        ]), 422, "invalid_field"
                    ),
                    (.object([("text", .string("Hi")), ("buttons", .array([.array([.object([("text", .string("x"))])])]))]), 422, "invalid_field"),
                ]
                for (body, status, code) in bad {
                    let reply = try await service.admin(.post, path, body: body, token: token)
                    #expect(reply.status == status, "\(reply.body)")
                    #expect(reply.code == code)
                }
                let other = try await service.admin(
                    .post, "/apps/poll/users/\(quizUsers[0])/messages", body: .object([("text", .string("Hi"))]), token: token)
                #expect(other.status == 404)
                #expect(other.code == "user_not_found")
                let batch = try await service.admin(
                    .post, "/apps/poll/messages",
                    body: .object([("users", .array([.string(users[0].rawValue), .string(quizUsers[0].rawValue)])), ("text", .string("Hi"))]),
                    token: token)
                #expect(batch.status == 404)
                // Nothing is in the database, and nothing reached Telegram even after a pass of the sender.
                #expect(try await Self.queued(service) == 0)
                await service.application.messages.sendDue()
                #expect(simulator.control.calls("sendMessage") == 0)

                // The messages:send token reads and writes nothing else, and sees no other app.
                #expect(try await service.admin(.get, "/apps/poll/users", token: token).status == 403)
                #expect(try await service.admin(.get, "/apps/poll", token: token).status == 403)
                #expect(try await service.admin(.post, "/apps/poll/users/\(users[0])/disable", token: token).status == 403)
                #expect(
                    try await service.admin(
                        .post, "/apps/quiz/users/\(quizUsers[0])/messages", body: .object([("text", .string("Hi"))]), token: token
                    ).status == 404)
                let sent = try await service.admin(.post, path, body: .object([("text", .string("Hi"))]), token: token)
                #expect(sent.status == 202)
                // The one accepted message is the only one Telegram receives.
                #expect(try await Self.send(service) { simulator.api.messages(chat: Self.firstChat).count == 1 })
                #expect(simulator.control.calls("sendMessage") == 1)
            }
        }
    }
}

extension BotMessageTests {
    @Test("A bot's apiURL is checked like adapter URLs, stored, and spelled in the admin API")
    func apiURL() async throws {
        try await TestService.run { service in
            let admin = service.application.admin
            let path = "/apps/poll/bots/\(Self.botID)"
            for (url, loopback) in [("http://api.example.com", false), ("https://10.1.2.3", false), ("http://127.0.0.1:8081", false)] {
                await #expect(throws: TelegateError.self) {
                    _ = try await admin.handle(
                        .patch, path,
                        body: .object([("apiURL", .string(url)), ("allowInsecureLoopback", .bool(loopback))]), caller: .local)
                }
            }
            let reply = try await admin.handle(
                .patch, path,
                body: .object([("apiURL", .string("http://127.0.0.1:8081")), ("allowInsecureLoopback", .bool(true))]),
                caller: .local)
            #expect(reply.body?["apiURL"]?.stringValue == "http://127.0.0.1:8081")
            #expect(reply.body?["allowInsecureLoopback"] == .bool(true))
            let stored = try await service.application.services.storage.configuration.app(AppSpec.pollID)?.bots
                .first { $0.botID == Self.botID }
            #expect(stored?.api == BotAPIEndpoint(url: "http://127.0.0.1:8081", allowInsecureLoopback: true))
            #expect(stored?.sealedToken != nil)
        }
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
