import TelegateCore
import TelegramAuth

struct SQLUserStore: UserStore {
    let database: any SQLDatabase

    static let columns = """
        id, app_id, telegram_id, status, first_name, last_name, username, photo_url, language_code, is_premium,
        profile_auth_date, created_at, updated_at, sessions_revoked_at, allows_write_to_pm, last_login_at, last_proof,
        last_bot_id
        """

    func user(appID: AppID, telegramID: Int64) async throws -> UserRecord? {
        try await database.read(
            "SELECT \(raw: Self.columns) FROM users WHERE app_id = \(appID.rawValue) AND telegram_id = \(telegramID)"
        ).first.flatMap(UserRecord.init(row:))
    }

    func user(id: UserID) async throws -> UserRecord? {
        try await database.read("SELECT \(raw: Self.columns) FROM users WHERE id = \(id.rawValue)").first
            .flatMap(UserRecord.init(row:))
    }

    /// `INSERT … ON CONFLICT DO NOTHING RETURNING`, then a re-select when another request (in any process) inserted
    /// first: the unique key on (app, Telegram id) decides the one user. The insert appends `user.created` and the
    /// audit record in its transaction.
    func insertIfAbsent(_ user: UserRecord, audit: AuditEvent?) async throws -> (user: UserRecord, inserted: Bool) {
        let profile = user.profile
        let inserted = try await database.write { session in
            let inserted = try await session.query(
                """
                INSERT INTO users (\(raw: Self.columns)) VALUES (
                    \(user.id.rawValue), \(user.appID.rawValue), \(user.telegramID), \(user.status.rawValue),
                    \(profile.firstName), \(profile.lastName), \(profile.username), \(profile.photoURL),
                    \(profile.languageCode), \(profile.isPremium), \(user.profileAuthDate), \(user.createdAt),
                    \(user.updatedAt), \(user.sessionsRevokedAt), \(profile.allowsWriteToPM), \(user.lastLogin?.at),
                    \(user.lastLogin?.proof.rawValue), \(user.lastLogin?.botID))
                ON CONFLICT (app_id, telegram_id) DO NOTHING RETURNING 1
                """)
            if inserted.isEmpty { return false }
            try await SQLEventOutbox.append(.userCreated(user), in: session)
            if let audit { try await session.query(SQLAuditStore.insert(audit)) }
            return true
        }
        if inserted { return (user, true) }
        guard let existing = try await self.user(appID: user.appID, telegramID: user.telegramID) else {
            throw TelegateError.internalError()
        }
        return (existing, false)
    }

    /// A profile change first takes the user's row (a no-op update returning the stored profile, so concurrent
    /// changes of one user serialize and the event names exactly the fields this one changed), then writes the new
    /// profile and appends `user.updated` when a field differs.
    func recordLogin(id: UserID, _ login: UserLogin, profile: (profile: UserProfile, authDate: Int64)?) async throws {
        try await database.write { session in
            try await session.query(
                """
                UPDATE users SET last_login_at = \(login.at), last_proof = \(login.proof.rawValue),
                    last_bot_id = COALESCE(CAST(\(login.botID) AS BIGINT), last_bot_id), unreachable_at = NULL
                WHERE id = \(id.rawValue) AND (last_login_at IS NULL OR last_login_at <= \(login.at))
                """)
            guard let (profile, authDate) = profile,
                let stored = try await session.query(
                    """
                    UPDATE users SET profile_auth_date = profile_auth_date
                    WHERE id = \(id.rawValue) AND profile_auth_date <= \(authDate)
                    RETURNING \(raw: Self.columns)
                    """
                ).first.flatMap(UserRecord.init(row:))
            else { return }
            try await session.query(
                """
                UPDATE users SET first_name = \(profile.firstName), last_name = \(profile.lastName),
                    username = \(profile.username), photo_url = \(profile.photoURL),
                    language_code = \(profile.languageCode), is_premium = \(profile.isPremium),
                    allows_write_to_pm = \(profile.allowsWriteToPM), profile_auth_date = \(authDate),
                    updated_at = \(login.at)
                WHERE id = \(id.rawValue)
                """)
            guard stored.profile != profile else { return }
            try await SQLEventOutbox.append(
                .userUpdated(
                    appID: stored.appID, userID: id, telegramID: stored.telegramID, from: stored.profile, to: profile,
                    at: login.at),
                in: session)
        }
    }

    /// Writes only a change of status, and appends `user.disabled` or `user.enabled` with it.
    func setStatus(id: UserID, status: UserStatus, at: Int64) async throws -> Bool {
        try await database.write { session in
            guard
                let appID = try await session.query(
                    """
                    UPDATE users SET status = \(status.rawValue), updated_at = \(at)
                    WHERE id = \(id.rawValue) AND status <> \(status.rawValue) RETURNING app_id
                    """
                ).first?.text(0).flatMap(AppID.init(rawValue:))
            else { return false }
            try await SQLEventOutbox.append(.statusChanged(appID: appID, userID: id, to: status, at: at), in: session)
            return true
        }
    }

    /// A username matches whatever its ASCII letters' case.
    func users(appID: AppID, username: String?, after cursor: UserCursor?, limit: Int) async throws -> [UserRecord] {
        let createdAt = cursor?.createdAt
        return try await database.read(
            """
            SELECT \(raw: Self.columns) FROM users
            WHERE app_id = \(appID.rawValue)
                AND (CAST(\(username) AS TEXT) IS NULL OR lower(username) = lower(CAST(\(username) AS TEXT)))
                AND (CAST(\(createdAt) AS BIGINT) IS NULL OR created_at < CAST(\(createdAt) AS BIGINT)
                    OR (created_at = CAST(\(createdAt) AS BIGINT) AND id < CAST(\(cursor?.id.rawValue) AS TEXT)))
            ORDER BY created_at DESC, id DESC LIMIT \(limit)
            """
        ).compactMap(UserRecord.init(row:))
    }

    /// Appends `user.erased` (ids only) in the deleting transaction.
    func delete(id: UserID, at now: Int64) async throws -> Bool {
        try await database.write { session in
            // Provider links, refresh families and their tokens go with the user (ON DELETE CASCADE).
            guard
                let row = try await session.query(
                    "DELETE FROM users WHERE id = \(id.rawValue) RETURNING app_id, telegram_id"
                ).first,
                let appID = row.text(0).flatMap(AppID.init(rawValue:))
            else { return false }
            try await SQLEventOutbox.append(
                .userErased(appID: appID, userID: id, telegramID: row.integer(1) ?? 0, at: now), in: session)
            return true
        }
    }
}

extension UserRecord {
    /// A row of ``SQLUserStore/columns``.
    init?(row: any SQLRow) {
        guard let id = row.text(0).flatMap(UserID.init(rawValue:)), let appID = row.text(1).flatMap(AppID.init(rawValue:)),
            let status = row.text(3).flatMap(UserStatus.init(rawValue:))
        else { return nil }
        self.init(
            id: id, appID: appID, telegramID: row.integer(2) ?? 0, status: status,
            profile: UserProfile(
                firstName: row.text(4) ?? "", lastName: row.text(5), username: row.text(6), photoURL: row.text(7),
                languageCode: row.text(8), isPremium: row.bool(9), allowsWriteToPM: row.bool(14)),
            profileAuthDate: row.integer(10) ?? 0, createdAt: row.integer(11) ?? 0, updatedAt: row.integer(12) ?? 0,
            sessionsRevokedAt: row.integer(13),
            lastLogin: row.integer(15).flatMap { at in
                row.text(16).flatMap(TelegramIdentity.Proof.init(rawValue:)).map {
                    UserLogin(at: at, proof: $0, botID: row.integer(17))
                }
            })
    }
}
