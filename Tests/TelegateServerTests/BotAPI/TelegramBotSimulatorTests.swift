import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SimulatorKit
import StrictJSON
@testable import TelegramSimulator
import Testing

/// `telegate simulate telegram-bot` answers like the Bot API: its paths and tokens, `sendMessage`'s validation of
/// text, entities, reply markup and chats, the per-bot and per-chat rate limits (counted, never timed), the
/// counters and the faults.
@Suite("Telegram Bot API simulator")
struct TelegramBotSimulatorTests {
    static let token = "7000000001:AAHsimulatedBotTokenForTelegateTests01"
    static let started: Int64 = 5_000_000_001
    static let notStarted: Int64 = 5_000_000_002
    static let blocked: Int64 = 5_000_000_003

    /// A reply: status, parsed body and `Retry-After`.
    struct Reply {
        let status: Int
        let json: JSONValue
        let retryAfterHeader: String?

        var description: String? { json["description"]?.stringValue }
        var ok: Bool { json["ok"] == .bool(true) && status == 200 }
    }

    private static func call(
        _ client: some TestClientProtocol, _ path: String, method: HTTPRequest.Method = .post, json: JSONValue? = nil,
        form: String? = nil
    ) async throws -> Reply {
        var headers: HTTPFields = [:]
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: json.serializedBytes)
        } else if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: form)
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            Reply(
                status: Int(response.status.code), json: (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null,
                retryAfterHeader: response.headers[.retryAfter])
        }
    }

    /// `sendMessage` with JSON parameters.
    private static func send(_ client: some TestClientProtocol, _ members: [(key: String, value: JSONValue)]) async throws -> Reply {
        try await call(client, "/bot\(token)/sendMessage", json: .object(members))
    }

    private static func text(_ client: some TestClientProtocol, _ text: String, parseMode: String? = nil, chat: Int64 = started)
        async throws -> Reply
    {
        var members: [(key: String, value: JSONValue)] = [("chat_id", .integer(chat)), ("text", .string(text))]
        if let parseMode { members.append(("parse_mode", .string(parseMode))) }
        return try await send(client, members)
    }

    /// A simulator whose windows never end by themselves during a test, with `perChat` messages per chat.
    private static func makeSimulator(perBot: Int = 1000, perChat: Int = 1000) -> TelegramBotSimulator {
        var configuration = TelegramBotSimulatorConfiguration.development
        configuration.perBot = .init(messages: perBot, window: .seconds(3600))
        configuration.perChat = .init(messages: perChat, window: .seconds(3600))
        return TelegramBotSimulator(configuration: configuration)
    }

    private static func test(
        _ simulator: TelegramBotSimulator = makeSimulator(), _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        try await Application(router: simulator.makeRouter()).test(.router) { client in try await body(client) }
    }

    @Test("getMe answers the bot by GET and POST; a bad path or method is 404, an unknown token 401")
    func getMe() async throws {
        try await Self.test { client in
            for method in [HTTPRequest.Method.get, .post] {
                let reply = try await Self.call(client, "/bot\(Self.token)/getMe", method: method)
                #expect(reply.ok)
                #expect(reply.json["result"]?["id"] == .integer(7_000_000_001))
                #expect(reply.json["result"]?["is_bot"] == .bool(true))
                #expect(reply.json["result"]?["username"] == .string("telegate_dev_bot"))
            }
            #expect(try await Self.call(client, "/bot\(Self.token)/GETME").ok)
            let unknown = try await Self.call(client, "/bot7000000001:AAHsomebodyElsesTokenXXXXXXXXXXXXXXXX/getMe")
            #expect(unknown.status == 401)
            #expect(unknown.json == .object([("ok", .bool(false)), ("error_code", .integer(401)), ("description", .string("Unauthorized"))]))
            for path in ["/botnot-a-token/getMe", "/bot\(Self.token)", "/getMe", "/bot\(Self.token)/getMe/extra", "/bot\(Self.token)/getUpdatez"] {
                let reply = try await Self.call(client, path)
                #expect(reply.status == 404, "\(path)")
                #expect(reply.description == "Not Found", "\(path)")
            }
        }
    }

    @Test("sendMessage takes JSON, form and query parameters and answers the Message")
    func sendMessage() async throws {
        let simulator = Self.makeSimulator()
        try await Self.test(simulator) { client in
            let first = try await Self.text(client, "Hello")
            #expect(first.ok)
            #expect(first.json["result"]?["message_id"] == .integer(1))
            #expect(first.json["result"]?["chat"]?["id"] == .integer(Self.started))
            #expect(first.json["result"]?["chat"]?["type"] == .string("private"))
            #expect(first.json["result"]?["from"]?["id"] == .integer(7_000_000_001))
            #expect(first.json["result"]?["text"] == .string("Hello"))
            let form = try await Self.call(
                client, "/bot\(Self.token)/sendMessage", form: "chat_id=\(Self.started)&text=Hi+there%21&disable_notification=true")
            #expect(form.json["result"]?["message_id"] == .integer(2))
            #expect(form.json["result"]?["text"] == .string("Hi there!"))
            let query = try await Self.call(client, "/bot\(Self.token)/sendMessage?chat_id=\(Self.started)&text=q", method: .get)
            #expect(query.json["result"]?["message_id"] == .integer(3))
        }
        let received = simulator.api.messages(chat: Self.started)
        #expect(received.map(\.text) == ["Hello", "Hi there!", "q"])
        #expect(received.map(\.disableNotification) == [false, true, false])
        #expect(simulator.api.counters(chat: Self.started).received == 3)
        #expect(simulator.control.calls("sendMessage") == 3)
    }

    @Test("text: empty, blank or missing is refused; at most 4096 characters after entity parsing")
    func textLength() async throws {
        try await Self.test { client in
            for text in ["", "  \n "] {
                #expect(try await Self.text(client, text).description == "Bad Request: message text is empty")
            }
            let missing = try await Self.send(client, [("chat_id", .integer(Self.started))])
            #expect(missing.status == 400)
            #expect(missing.description == "Bad Request: message text is empty")
            #expect(try await Self.text(client, "<b></b>", parseMode: "HTML").description == "Bad Request: message text is empty")
            let longest = String(repeating: "a", count: 4096)
            #expect(try await Self.text(client, longest).ok)
            #expect(try await Self.text(client, "<b>\(longest)</b>", parseMode: "HTML").ok)
            #expect(try await Self.text(client, longest + "a").description == "Bad Request: message is too long")
            // Telegram counts UTF-16 code units: 2049 emoji are 4098.
            #expect(try await Self.text(client, String(repeating: "😀", count: 2049)).description == "Bad Request: message is too long")
        }
    }

    @Test("parse_mode: entities are parsed, and malformed markup is refused as Telegram words it")
    func parseModes() async throws {
        try await Self.test { client in
            let html = try await Self.text(client, #"<b>Hi</b> <a href="https://site.example/m">there</a> &lt;3"#, parseMode: "HTML")
            #expect(html.json["result"]?["text"] == .string("Hi there <3"))
            #expect(
                html.json["result"]?["entities"]
                    == .array([
                        .object([("offset", .integer(0)), ("length", .integer(2)), ("type", .string("bold"))]),
                        .object([
                            ("offset", .integer(3)), ("length", .integer(5)), ("type", .string("text_link")),
                            ("url", .string("https://site.example/m")),
                        ]),
                    ]))
            let markdown = try await Self.text(client, #"*bold* _it_ \. [link](https://site.example)"#, parseMode: "MarkdownV2")
            #expect(markdown.json["result"]?["text"] == .string("bold it . link"))
            #expect(markdown.json["result"]?["entities"]?.arrayElements?.count == 3)
            let legacy = try await Self.text(client, "*bold* 1.5 + 2 = 3.5", parseMode: "Markdown")
            #expect(legacy.json["result"]?["text"] == .string("bold 1.5 + 2 = 3.5"))

            let refusals: [(String, String, String)] = [
                ("<b>bold", "HTML", #"Can't find end tag corresponding to start tag "b""#),
                ("1 < 2", "HTML", #"Unsupported start tag "" at byte offset 2"#),
                ("<blink>x</blink>", "HTML", #"Unsupported start tag "blink" at byte offset 0"#),
                ("<b>x</i>", "HTML", #"Unmatched end tag at byte offset 4, expected "</b>", found "</i>""#),
                ("x</b>", "HTML", "Unexpected end tag at byte offset 1"),
                ("Done.", "MarkdownV2", #"Character '.' is reserved and must be escaped with the preceding '\'"#),
                ("a *bold", "MarkdownV2", "Can't find end of Bold entity at byte offset 2"),
                ("_x", "Markdown", "Can't find end of the entity starting at byte offset 0"),
            ]
            for (text, mode, detail) in refusals {
                let reply = try await Self.text(client, text, parseMode: mode)
                #expect(reply.status == 400, "\(text)")
                #expect(reply.description == "Bad Request: can't parse entities: " + detail, "\(text)")
            }
            #expect(try await Self.text(client, "x", parseMode: "BBCode").description == "Bad Request: unsupported parse_mode")
        }
    }

    @Test("reply_markup: inline buttons need an action, valid URLs and https Web Apps")
    func replyMarkup() async throws {
        let simulator = Self.makeSimulator()
        try await Self.test(simulator) { client in
            func send(_ markup: String) async throws -> Reply {
                try await Self.send(
                    client, [("chat_id", .integer(Self.started)), ("text", .string("Open")), ("reply_markup", .string(markup))])
            }
            let webApp = #"{"inline_keyboard":[[{"text":"Open","web_app":{"url":"https://app.example/tg"}}]]}"#
            let accepted = try await send(webApp)
            #expect(accepted.ok)
            #expect(accepted.json["result"]?["reply_markup"] == (try JSONValue.parse(webApp)))
            // A JSON body may carry the markup as an object, too.
            let object = try await Self.send(
                client, [("chat_id", .integer(Self.started)), ("text", .string("Open")), ("reply_markup", try JSONValue.parse(webApp))])
            #expect(object.ok)

            let refusals: [(String, String)] = [
                ("{not json", "can't parse reply keyboard markup JSON object"),
                ("[]", "object expected as reply markup"),
                (#"{"inline_keyboard":[{"text":"x"}]}"#, #"field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays"#),
                (#"{"inline_keyboard":[[{"text":"x"}]]}"#, "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"),
                (#"{"inline_keyboard":[[{"url":"https://a.example"}]]}"#, #"can't parse inline keyboard button: Can't find field "text""#),
                (
                    #"{"inline_keyboard":[[{"text":"x","web_app":{"url":"http://app.example"}}]]}"#,
                    "inline keyboard button Web App URL 'http://app.example' is invalid: Only HTTPS links are allowed"
                ),
                (#"{"inline_keyboard":[[{"text":"x","url":"ftp://a.example"}]]}"#, "inline keyboard button URL 'ftp://a.example' is invalid: Unsupported URL protocol"),
                (#"{"inline_keyboard":[[{"text":"x","callback_data":"\#(String(repeating: "d", count: 65))"}]]}"#, "BUTTON_DATA_INVALID"),
            ]
            for (markup, detail) in refusals {
                let reply = try await send(markup)
                #expect(reply.status == 400, "\(markup)")
                #expect(reply.description == "Bad Request: " + detail, "\(markup)")
            }
        }
        #expect(simulator.api.messages(chat: Self.started).count == 2)
    }

    @Test("chats: unknown 400, never started and blocked 403, each bot's own standing")
    func chats() async throws {
        let simulator = Self.makeSimulator()
        try await Self.test(simulator) { client in
            #expect(try await Self.text(client, "x", chat: 42).description == "Bad Request: chat not found")
            #expect(try await Self.send(client, [("text", .string("x"))]).description == "Bad Request: chat_id is empty")
            #expect(try await Self.send(client, [("chat_id", .string("@someone")), ("text", .string("x"))]).description == "Bad Request: chat not found")
            let never = try await Self.text(client, "x", chat: Self.notStarted)
            #expect(never.status == 403)
            #expect(never.description == "Forbidden: bot can't initiate conversation with a user")
            let blocked = try await Self.text(client, "x", chat: Self.blocked)
            #expect(blocked.status == 403)
            #expect(blocked.description == "Forbidden: bot was blocked by the user")

            // The user blocks the development bot only; a second bot may still write.
            let other = "7000000002:AAHanotherSimulatedBotTokenForTests02"
            #expect(try await Self.call(client, "/_simulator/telegram-bot/bots", json: .object([("token", .string(other))])).status == 204)
            let update = JSONValue.object([("status", .string("blocked")), ("bot", .integer(7_000_000_001))])
            #expect(try await Self.call(client, "/_simulator/telegram-bot/chats/\(Self.started)", method: .put, json: update).status == 204)
            #expect(try await Self.text(client, "x").description == "Forbidden: bot was blocked by the user")
            #expect(try await Self.call(client, "/bot\(other)/sendMessage", json: .object([("chat_id", .integer(Self.started)), ("text", .string("y"))])).ok)
            let listed = try await Self.call(client, "/_simulator/telegram-bot/chats", method: .get)
            let chat = listed.json["chats"]?.arrayElements?.first { $0["id"] == .integer(Self.started) }
            #expect(chat?["received"] == .integer(1))
            #expect(chat?["forbidden"] == .integer(1))
            #expect(chat?["status_by_bot"]?["7000000001"] == .string("blocked"))
        }
        #expect(simulator.api.counters(chat: Self.blocked).forbidden == 1)
        #expect(simulator.api.messages(chat: Self.blocked).isEmpty)
    }

    @Test("rate limits: per chat and per bot, 429 with retry_after until the window ends")
    func rateLimits() async throws {
        let simulator = Self.makeSimulator(perBot: 3, perChat: 1)
        for id in Int64(1)...4 { simulator.api.register(.init(id: 6_000_000_000 + id)) }
        try await Self.test(simulator) { client in
            #expect(try await Self.text(client, "one").ok)
            let limited = try await Self.text(client, "two")
            #expect(limited.status == 429)
            let retryAfter = try #require(limited.json["parameters"]?["retry_after"]?.integerValue)
            #expect((1...3600).contains(retryAfter))
            #expect(limited.description == "Too Many Requests: retry after \(retryAfter)")
            #expect(limited.retryAfterHeader == String(retryAfter))

            // Two more chats fill the bot's window of 3; the fourth chat waits although its own window is empty.
            #expect(try await Self.text(client, "a", chat: 6_000_000_001).ok)
            #expect(try await Self.text(client, "b", chat: 6_000_000_002).ok)
            #expect(try await Self.text(client, "c", chat: 6_000_000_003).status == 429)

            #expect(try await Self.call(client, "/_simulator/telegram-bot/rate_windows", method: .delete).status == 204)
            #expect(try await Self.text(client, "two").ok)

            // Limits set over the control route.
            let limit = JSONValue.object([("requests", .integer(2)), ("seconds", .integer(3600))])
            #expect(try await Self.call(client, "/_simulator/telegram-bot/chat/rate_limit", method: .put, json: limit).status == 204)
            #expect(try await Self.call(client, "/_simulator/telegram-bot/rate_windows", method: .delete).status == 204)
            #expect(try await Self.text(client, "x", chat: 6_000_000_004).ok)
            #expect(try await Self.text(client, "y", chat: 6_000_000_004).ok)
            #expect(try await Self.text(client, "z", chat: 6_000_000_004).status == 429)
        }
        #expect(simulator.api.messages(chat: Self.started).map(\.text) == ["one", "two"])
        #expect(simulator.api.counters(chat: Self.started).rateLimited == 1)
        #expect(simulator.api.counters(chat: 6_000_000_003) == { var c = TelegramBotAPI.ChatCounters(); c.rateLimited = 1; return c }())
    }

    @Test("the control routes list messages and reset them; faults replace answers and send nothing")
    func controlAndFaults() async throws {
        let simulator = Self.makeSimulator()
        try await Self.test(simulator) { client in
            #expect(try await Self.text(client, "<i>hello</i>", parseMode: "HTML").ok)
            let listed = try await Self.call(client, "/_simulator/telegram-bot/chats/\(Self.started)/messages", method: .get)
            let message = listed.json["messages"]?.arrayElements?.first
            #expect(message?["text"] == .string("hello"))
            #expect(message?["parse_mode"] == .string("HTML"))
            #expect(message?["bot_id"] == .integer(7_000_000_001))

            simulator.control.inject(SimulatorFault(.status(500), operation: "sendMessage", times: 1))
            #expect(try await Self.text(client, "lost").status == 500)
            simulator.control.inject(SimulatorFault(.malformedBody, operation: "sendMessage", times: 1))
            #expect(try await Self.text(client, "cut").json == .null)
            #expect(try await Self.text(client, "kept").ok)
            #expect(simulator.api.messages(chat: Self.started).map(\.text) == ["hello", "kept"])
            #expect(simulator.control.calls("sendMessage") == 4)

            #expect(try await Self.call(client, "/_simulator/telegram-bot/messages", method: .delete).status == 204)
            #expect(simulator.api.messages(chat: Self.started).isEmpty)
            #expect(simulator.api.counters(chat: Self.started) == TelegramBotAPI.ChatCounters())
        }
    }

    @Test("command-line bots and chats are read strictly")
    func arguments() {
        #expect(TelegramBotSimulatorConfiguration.Bot(token: Self.token)?.id == 7_000_000_001)
        for token in ["7000000001", "abc:def", "0123:abc", "7000000001:", "7000000001:a/b"] {
            #expect(TelegramBotSimulatorConfiguration.Bot(token: token) == nil, "\(token)")
        }
        #expect(TelegramBotSimulatorConfiguration.Chat(argument: "42")?.status == .started)
        #expect(TelegramBotSimulatorConfiguration.Chat(argument: "42:blocked")?.status == .blocked)
        #expect(TelegramBotSimulatorConfiguration.Chat(argument: "42:not_started")?.status == .notStarted)
        #expect(TelegramBotSimulatorConfiguration.Chat(argument: "42:gone") == nil)
        #expect(TelegramBotSimulatorConfiguration.Chat(argument: "x") == nil)
    }
}
