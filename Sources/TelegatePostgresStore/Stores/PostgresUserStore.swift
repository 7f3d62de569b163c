import PostgresNIO
import TelegateCore
import TelegramAuth

struct PostgresUserStore: UserStore {
    let engine: PostgresEngine

    static let columns = """
        id, app_id, telegram_id, status, first_name, last_name, username, photo_url, language_code, is_premium,
        profile_auth_date, created_at, updated_at, sessions_revoked_at, allows_write_to_pm, last_login_at, last_proof
        """

    func user(appID: AppID, telegramID: Int64) async throws -> UserRecord? {
        try await engine.query(
            "SELECT \(unescaped: Self.columns) FROM users WHERE app_id = \(appID.rawValue) AND telegram_id = \(telegramID)"
        ).first.flatMap(Self.record)
    }

    func user(id: UserID) async throws -> UserRecord? {
        try await engine.query("SELECT \(unescaped: Self.columns) FROM users WHERE id = \(id.rawValue)").first.flatMap(Self.record)
    }

    /// `INSERT … ON CONFLICT DO NOTHING RETURNING`, then a re-select when another request (in any process) inserted
    /// first: the unique key on (app, Telegram id) decides the one user.
    func insertIfAbsent(_ user: UserRecord) async throws -> (user: UserRecord, inserted: Bool) {
        let profile = user.profile
        let inserted = try await engine.query(
            """
            INSERT INTO users (\(unescaped: Self.columns)) VALUES (
                \(user.id.rawValue), \(user.appID.rawValue), \(user.telegramID), \(user.status.rawValue),
                \(profile.firstName), \(profile.lastName), \(profile.username), \(profile.photoURL),
                \(profile.languageCode), \(profile.isPremium), \(user.profileAuthDate), \(user.createdAt),
                \(user.updatedAt), \(user.sessionsRevokedAt), \(profile.allowsWriteToPM), \(user.lastLogin?.at),
                \(user.lastLogin?.proof.rawValue))
            ON CONFLICT (app_id, telegram_id) DO NOTHING RETURNING 1::BIGINT
            """)
        if !inserted.isEmpty { return (user, true) }
        guard let existing = try await self.user(appID: user.appID, telegramID: user.telegramID) else {
            throw TelegateError.internalError()
        }
        return (existing, false)
    }

    func recordLogin(id: UserID, _ login: UserLogin, profile: (profile: UserProfile, authDate: Int64)?) async throws {
        try await engine.write { transaction in
            try await transaction.run(
                """
                UPDATE users SET last_login_at = \(login.at), last_proof = \(login.proof.rawValue)
                WHERE id = \(id.rawValue) AND (last_login_at IS NULL OR last_login_at <= \(login.at))
                """)
            guard let (profile, authDate) = profile else { return }
            try await transaction.run(
                """
                UPDATE users SET first_name = \(profile.firstName), last_name = \(profile.lastName),
                    username = \(profile.username), photo_url = \(profile.photoURL),
                    language_code = \(profile.languageCode), is_premium = \(profile.isPremium),
                    allows_write_to_pm = \(profile.allowsWriteToPM), profile_auth_date = \(authDate),
                    updated_at = \(login.at)
                WHERE id = \(id.rawValue) AND profile_auth_date <= \(authDate)
                """)
        }
    }

    func setStatus(id: UserID, status: UserStatus, at: Int64) async throws -> Bool {
        try await !engine.query(
            "UPDATE users SET status = \(status.rawValue), updated_at = \(at) WHERE id = \(id.rawValue) RETURNING 1::BIGINT"
        ).isEmpty
    }

    func users(appID: AppID, username: String?, after cursor: UserCursor?, limit: Int) async throws -> [UserRecord] {
        try await engine.query(
            """
            SELECT \(unescaped: Self.columns) FROM users
            WHERE app_id = \(appID.rawValue) AND (\(username)::TEXT IS NULL OR lower(username) = lower(\(username)::TEXT))
                AND (\(cursor?.createdAt)::BIGINT IS NULL OR created_at < \(cursor?.createdAt)::BIGINT
                    OR (created_at = \(cursor?.createdAt)::BIGINT AND id < \(cursor?.id.rawValue)::TEXT))
            ORDER BY created_at DESC, id DESC LIMIT \(Int64(limit))
            """
        ).compactMap(Self.record)
    }

    func delete(id: UserID) async throws -> Bool {
        // Provider links, refresh families and their tokens go with the user (ON DELETE CASCADE).
        try await !engine.query("DELETE FROM users WHERE id = \(id.rawValue) RETURNING 1::BIGINT").isEmpty
    }

    static func record(_ row: PostgresResultRow) -> UserRecord? {
        guard let id = row.text(0).flatMap(UserID.init(rawValue:)), let appID = row.text(1).flatMap(AppID.init(rawValue:)),
            let status = row.text(3).flatMap(UserStatus.init(rawValue:))
        else { return nil }
        return UserRecord(
            id: id, appID: appID, telegramID: row.integer(2) ?? 0, status: status,
            profile: UserProfile(
                firstName: row.text(4) ?? "", lastName: row.text(5), username: row.text(6), photoURL: row.text(7),
                languageCode: row.text(8), isPremium: row.bool(9), allowsWriteToPM: row.bool(14)),
            profileAuthDate: row.integer(10) ?? 0, createdAt: row.integer(11) ?? 0, updatedAt: row.integer(12) ?? 0,
            sessionsRevokedAt: row.integer(13),
            lastLogin: row.integer(15).flatMap { at in
                row.text(16).flatMap(TelegramIdentity.Proof.init(rawValue:)).map { UserLogin(at: at, proof: $0) }
            })
    }
}
