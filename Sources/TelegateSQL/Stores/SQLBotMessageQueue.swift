import StrictJSON
import TelegateCore

struct SQLBotMessageQueue: BotMessageQueue {
    let database: any SQLDatabase

    func enqueue(appID: AppID, users: [UserID], request: BotMessageRequest, now: Int64) async throws -> [MessageID] {
        let app = appID.rawValue
        let body = request.sendMessageParameters.serialized
        return try await database.write { session in
            let bots = try await session.query(
                """
                SELECT bot_id, is_default FROM bots
                WHERE app_id = \(app) AND mode = 'token' AND sealed_token IS NOT NULL ORDER BY bot_id
                """)
            let senders = bots.compactMap { $0.integer(0) }
            guard let fallback = bots.first(where: { $0.bool(1) })?.integer(0) ?? senders.first else {
                throw TelegateError(
                    .noSendingBot, "the app has no bot that can send: add a bot by its token, or give its token again")
            }
            var ids: [MessageID] = []
            var unreachable: [String] = []
            for user in users {
                guard
                    let row = try await session.query(
                        """
                        SELECT telegram_id, last_bot_id, unreachable_at FROM users
                        WHERE id = \(user.rawValue) AND app_id = \(app)
                        """
                    ).first, let chat = row.integer(0)
                else { throw TelegateError(.userNotFound, "the app has no user \(user.rawValue)") }
                if row.integer(2) != nil {
                    unreachable.append(user.rawValue)
                    continue
                }
                let bot = row.integer(1).flatMap { senders.contains($0) ? $0 : nil } ?? fallback
                let id = MessageID.generate(milliseconds: UInt64(max(now, 0)) * 1000)
                try await session.query(
                    """
                    INSERT INTO bot_messages (id, app_id, user_id, bot_id, chat_id, request, status, attempts,
                        next_attempt_at, created_at)
                    VALUES (\(id.rawValue), \(app), \(user.rawValue), \(bot), \(chat), \(body), 'queued', 0, \(now), \(now))
                    """)
                ids.append(id)
            }
            guard unreachable.isEmpty else {
                // Nothing is queued when any user cannot be reached: the transaction rolls back.
                throw TelegateError(
                    .userUnreachable,
                    "Telegram refused messages to \(unreachable.prefix(10).joined(separator: ", "))"
                        + (unreachable.count > 10 ? " and \(unreachable.count - 10) more" : "")
                        + " before (blocked, or never started the bot)")
            }
            return ids
        }
    }

    func message(appID: AppID, id: MessageID) async throws -> BotMessage? {
        try await database.read(
            """
            SELECT id, app_id, user_id, bot_id, status, attempts, telegram_message_id, error, created_at, sent_at
            FROM bot_messages WHERE id = \(id.rawValue) AND app_id = \(appID.rawValue)
            """
        ).first.flatMap(BotMessage.init(row:))
    }

    func claim(now: Int64, leaseUntil: Int64, limit: Int) async throws -> [DueBotMessage] {
        try await database.write { session in
            let claimed = try await session.query(
                """
                UPDATE bot_messages SET claimed_until = \(leaseUntil)
                WHERE id IN (
                    SELECT id FROM bot_messages
                    WHERE status = 'queued' AND next_attempt_at <= \(now)
                        AND (claimed_until IS NULL OR claimed_until < \(now))
                    ORDER BY next_attempt_at, id LIMIT \(limit)\(schema: .skipLocked))
                RETURNING id
                """
            ).compactMap { $0.text(0) }
            var due: [DueBotMessage] = []
            for id in claimed {
                let rows = try await session.query(
                    """
                    SELECT m.id, m.app_id, m.user_id, m.bot_id, m.chat_id, m.request, m.attempts, b.sealed_token,
                        b.api_url, b.api_allow_insecure_loopback, b.api_allow_private_networks
                    FROM bot_messages m JOIN bots b ON b.app_id = m.app_id AND b.bot_id = m.bot_id
                    WHERE m.id = \(id)
                    """)
                if let message = rows.first.flatMap(DueBotMessage.init(row:)) {
                    due.append(message)
                } else {
                    // The bot was removed or lost its token since the message was queued.
                    try await session.query(
                        """
                        UPDATE bot_messages SET status = 'failed', error = 'the sending bot was removed', claimed_until = NULL
                        WHERE id = \(id)
                        """)
                }
            }
            return due.sorted { $0.id.rawValue < $1.id.rawValue }
        }
    }

    func markSent(_ message: DueBotMessage, attempts: Int, telegramMessageID: Int64?, at: Int64) async throws {
        try await database.write(
            """
            UPDATE bot_messages SET status = 'sent', attempts = \(attempts), telegram_message_id = \(telegramMessageID),
                error = NULL, sent_at = \(at), claimed_until = NULL
            WHERE id = \(message.id.rawValue) AND status = 'queued'
            """)
    }

    func scheduleRetry(_ message: DueBotMessage, attempts: Int, error: String, nextAttemptAt: Int64) async throws {
        try await database.write(
            """
            UPDATE bot_messages SET attempts = \(attempts), error = \(error), next_attempt_at = \(nextAttemptAt),
                claimed_until = NULL
            WHERE id = \(message.id.rawValue) AND status = 'queued'
            """)
    }

    func markFailed(
        _ message: DueBotMessage, attempts: Int, error: String, reason: String, unreachable: Bool, at: Int64
    ) async throws {
        try await database.write { session in
            let failed = try await session.query(
                """
                UPDATE bot_messages SET status = 'failed', attempts = \(attempts), error = \(error), claimed_until = NULL
                WHERE id = \(message.id.rawValue) AND status = 'queued'
                RETURNING 1
                """)
            guard !failed.isEmpty else { return }
            if unreachable {
                try await session.query(
                    """
                    UPDATE users SET unreachable_at = \(at) WHERE id = \(message.userID.rawValue) AND unreachable_at IS NULL
                    """)
            }
            try await SQLEventOutbox.append(
                .messageFailed(
                    appID: message.appID, userID: message.userID, messageID: message.id.rawValue, reason: reason, at: at),
                in: session)
        }
    }

    func backlog() async throws -> (queued: Int, claimed: Int, oldestCreatedAt: Int64?) {
        let row = try await database.read(
            "SELECT COUNT(*), COUNT(claimed_until), MIN(created_at) FROM bot_messages WHERE status = 'queued'"
        ).first
        return (Int(row?.integer(0) ?? 0), Int(row?.integer(1) ?? 0), row?.integer(2))
    }
}

extension BotMessage {
    /// A row of the columns ``SQLBotMessageQueue/message(appID:id:)`` selects.
    init?(row: any SQLRow) {
        guard let id = row.text(0).flatMap(MessageID.init(rawValue:)), let appID = row.text(1).flatMap(AppID.init(rawValue:)),
            let userID = row.text(2).flatMap(UserID.init(rawValue:)), let status = row.text(4).flatMap(Status.init(rawValue:))
        else { return nil }
        self.init(
            id: id, appID: appID, userID: userID, botID: row.integer(3), status: status, attempts: Int(row.integer(5) ?? 0),
            telegramMessageID: row.integer(6), error: row.text(7), createdAt: row.integer(8) ?? 0, sentAt: row.integer(9))
    }
}

extension DueBotMessage {
    /// A row of the columns ``SQLBotMessageQueue/claim(now:leaseUntil:limit:)`` selects.
    init?(row: any SQLRow) {
        guard let id = row.text(0).flatMap(MessageID.init(rawValue:)), let appID = row.text(1).flatMap(AppID.init(rawValue:)),
            let userID = row.text(2).flatMap(UserID.init(rawValue:)), let botID = row.integer(3), let chatID = row.integer(4),
            let parameters = row.text(5).flatMap({ try? JSONValue.parse($0) }), let sealedToken = row.text(7)
        else { return nil }
        self.init(
            id: id, appID: appID, userID: userID, botID: botID, chatID: chatID, parameters: parameters,
            sealedToken: sealedToken,
            api: BotAPIEndpoint(url: row.text(8), allowInsecureLoopback: row.bool(9), allowPrivateNetworks: row.bool(10)),
            attempts: Int(row.integer(6) ?? 0))
    }
}
