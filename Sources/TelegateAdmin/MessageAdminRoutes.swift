import StrictJSON
import TelegateCore

/// `/apps/{app}/…/messages`: bot messages to an app's users, queued and sent by the bot each user last logged in
/// with. Allowed to tokens limited to `messages:send` (``AdminPermission/messagesSend``) besides ordinary tokens.
struct MessageAdminRoutes {
    let backend: AdminBackend

    /// The most users one batch names.
    static let maxBatch = 1_000

    var routes: [AdminRoute] {
        [
            AdminRoute(
                .post, "/apps/{app}/users/{user}/messages", "sendMessage",
                "Queue a bot message to a user; 202 with its id, sent within Telegram's limits",
                body: AdminBodySchema(Self.messageMembers), status: 202, permission: .messagesSend
            ) { call in
                let app = try await backend.app(call).settings.id
                guard let user = UserID(rawValue: call.parameter("user")) else {
                    throw TelegateError(.userNotFound, "the app has no such user")
                }
                let ids = try await queue(app: app, users: [user], call: call)
                return .object([("id", .string(ids[0].rawValue)), ("status", .string(BotMessage.Status.queued.rawValue))])
            },
            AdminRoute(
                .post, "/apps/{app}/messages", "sendMessages",
                "Queue one bot message to each of up to 1000 users, all or none; 202 with one id per user",
                body: AdminBodySchema(
                    [.member("users", .stringList, required: true, "The users' local ids (usr_…), 1 to 1000.")]
                        + Self.messageMembers),
                status: 202, permission: .messagesSend
            ) { call in
                let app = try await backend.app(call).settings.id
                let names = call.body.strings("users") ?? []
                guard (1...Self.maxBatch).contains(names.count), Set(names).count == names.count else {
                    throw TelegateError(
                        .invalidField, "users must list 1 to \(Self.maxBatch) distinct user ids", reason: "invalid_value")
                }
                let users = try names.map { name in
                    guard let user = UserID(rawValue: name) else {
                        throw TelegateError(.userNotFound, "the app has no user \(name.prefix(40))")
                    }
                    return user
                }
                let ids = try await queue(app: app, users: users, call: call)
                return AdminJSON.list(
                    zip(users, ids).map { user, id in
                        .object([
                            ("user", .string(user.rawValue)), ("id", .string(id.rawValue)),
                            ("status", .string(BotMessage.Status.queued.rawValue)),
                        ])
                    })
            },
            AdminRoute(
                .get, "/apps/{app}/messages/{message}", "getMessage",
                "A bot message's status: queued, sent or failed, with attempts and the last error",
                permission: .messagesSend
            ) { call in
                let app = try await backend.app(call).settings.id
                guard let id = MessageID(rawValue: call.parameter("message")),
                    let message = try await backend.services.storage.botMessages.message(appID: app, id: id)
                else { throw TelegateError(.messageNotFound, "the app has no such message") }
                return message.json
            },
        ]
    }

    static let messageMembers: [AdminBodySchema.Member] = [
        .member("text", .string, required: true, "The text, 1 to 4096 characters."),
        .member("parse_mode", .string, "HTML, MarkdownV2 or Markdown."),
        .member(
            "buttons", .array,
            "Rows of inline buttons: {text, url}, {text, web_app: {url}} (https; opens the Mini App) or {text, callback_data}."),
        .member("silent", .boolean, "Deliver without a notification sound."),
    ]

    /// Checks the message and queues it for `users`, all or none; the sender here is woken, and one audit event
    /// records how many were queued (never the text).
    private func queue(app: AppID, users: [UserID], call: AdminCall) async throws -> [MessageID] {
        let request = try BotMessageRequest(.object(call.body.members.filter { $0.key != "users" }))
        let services = backend.services
        let ids = try await services.storage.botMessages.enqueue(
            appID: app, users: users, request: request, now: services.clock.now)
        services.messageWakeup.nudge()
        await backend.record(
            "messages.queued", call: call, appID: app, target: users.count == 1 ? "user:\(users[0])" : nil,
            extra: [("count", .integer(Int64(ids.count)))])
        return ids
    }
}
