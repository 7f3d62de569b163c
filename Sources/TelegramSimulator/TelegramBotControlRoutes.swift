import Hummingbird
import SimulatorKit
import StrictJSON

extension TelegramBotSimulator {
    /// Adds the control routes of the simulated Bot API:
    ///
    /// - `POST /_simulator/telegram-bot/bots` `{"token": "<id>:<secret>", "username"?, "first_name"?}` adds or
    ///   replaces a bot;
    /// - `PUT /_simulator/telegram-bot/chats/{chat}` `{"status": "started"|"not_started"|"blocked", "bot"?,
    ///   "first_name"?, "username"?}` adds or replaces a chat, or with `bot` sets only that bot's standing with it;
    /// - `GET /_simulator/telegram-bot/chats` lists the chats with their standing and counters (`received`,
    ///   `forbidden`, `rate_limited`), `GET /_simulator/telegram-bot/chats/{chat}/messages` what a chat received;
    /// - `PUT /_simulator/telegram-bot/bot/rate_limit` and `PUT /_simulator/telegram-bot/chat/rate_limit`
    ///   (`{"requests": N, "seconds": S}`) set the per-bot and per-chat limits;
    /// - `DELETE /_simulator/telegram-bot/rate_windows` ends the current rate-limit windows, as if their time were
    ///   up, so tests count messages instead of waiting;
    /// - `DELETE /_simulator/telegram-bot/messages` forgets the received messages, counters and windows.
    public func addBotRoutes<Context: RequestContext>(to router: Router<Context>) {
        let base = "/_simulator/\(Self.kind)"
        router.post("\(base)/bots") { request, _ in
            guard let body = try await Self.controlBody(request), let token = body["token"]?.stringValue,
                let bot = TelegramBotAPI.Bot(
                    token: token, username: body["username"]?.stringValue, firstName: body["first_name"]?.stringValue)
            else { return Self.refusal(#"send {"token": "<id>:<secret>", "username"?, "first_name"?}"#) }
            api.register(bot)
            return Response(status: .noContent)
        }
        router.put("\(base)/chats/{chat}") { request, context in
            guard let body = try await Self.controlBody(request) else {
                return Self.refusal(#"send {"status": "started"|"not_started"|"blocked", "bot"?, "first_name"?, "username"?}"#)
            }
            let status = body["status"]?.stringValue.map(TelegramBotAPI.ChatStatus.init(rawValue:)) ?? .started
            guard let id = context.parameters.get("chat", as: Int64.self), let status,
                body["bot"].map({ $0.integerValue != nil }) ?? true
            else { return Self.refusal(#"send {"status": "started"|"not_started"|"blocked", "bot"?, "first_name"?, "username"?}"#) }
            let chat = TelegramBotAPI.Chat(
                id: id, firstName: body["first_name"]?.stringValue, username: body["username"]?.stringValue, status: status)
            api.register(chat, bot: body["bot"]?.integerValue)
            return Response(status: .noContent)
        }
        router.get("\(base)/chats") { _, _ in
            Self.json(.object([("chats", api.chatsJSON)]))
        }
        router.get("\(base)/chats/{chat}/messages") { _, context in
            guard let id = context.parameters.get("chat", as: Int64.self) else { return Self.refusal("the chat is a user id") }
            return Self.json(.object([("messages", .array(api.messages(chat: id).map(\.json)))]))
        }
        SimulatorControl.addRateLimitRoute(to: router, kind: "\(Self.kind)/bot") { requests, window in
            api.setPerBotLimit(.init(messages: requests, window: window))
        }
        SimulatorControl.addRateLimitRoute(to: router, kind: "\(Self.kind)/chat") { requests, window in
            api.setPerChatLimit(.init(messages: requests, window: window))
        }
        router.delete("\(base)/rate_windows") { _, _ in
            api.endRateWindows()
            return Response(status: .noContent)
        }
        router.delete("\(base)/messages") { _, _ in
            api.reset()
            return Response(status: .noContent)
        }
    }

    /// A control request's JSON object (an empty one for an empty body); `nil` for anything else.
    private static func controlBody(_ request: Request) async throws -> JSONValue? {
        let bytes = try await request.body.collect(upTo: 4096)
        guard bytes.readableBytes > 0 else { return .object([]) }
        let value = try? JSONValue.parse(Array(bytes.readableBytesView))
        return value?.objectMembers != nil ? value : nil
    }

    private static func refusal(_ message: String) -> Response {
        json(.object([("error", .string(message))]), status: .badRequest)
    }
}
