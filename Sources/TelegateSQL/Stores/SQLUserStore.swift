import TelegateCore
import TelegramAuth

struct SQLUserStore: UserStore {
    let database: any SQLDatabase

    static let columns = """
        id, app_id, telegram_id, status, first_name, last_name, username, photo_url, language_code, is_premium,
        profile_auth_date, created_at, updated_at, sessions_revoked_at, allows_write_to_pm, last_login_at, last_proof
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
    /// first: the unique key on (app, Telegram id) decides the one user.
    func insertIfAbsent(_ user: UserRecord) async throws -> (user: UserRecord, inserted: Bool) {
        let profile = user.profile
        let inserted = try await database.write(
            """
            INSERT INTO users (\(raw: Self.columns)) VALUES (
                \(user.id.rawValue), \(user.appID.rawValue), \(user.telegramID), \(user.status.rawValue),
                \(profile.firstName), \(profile.lastName), \(profile.username), \(profile.photoURL),
                \(profile.languageCode), \(profile.isPremium), \(user.profileAuthDate), \(user.createdAt),
                \(user.updatedAt), \(user.sessionsRevokedAt), \(profile.allowsWriteToPM), \(user.lastLogin?.at),
                \(user.lastLogin?.proof.rawValue))
            ON CONFLICT (app_id, telegram_id) DO NOTHING RETURNING 1
            """)
        if !inserted.isEmpty { return (user, true) }
        guard let existing = try await self.user(appID: user.appID, telegramID: user.telegramID) else {
            throw TelegateError.internalError()
        }
        return (existing, false)
    }

    func recordLogin(id: UserID, _ login: UserLogin, profile: (profile: UserProfile, authDate: Int64)?) async throws {
        try await database.write { session in
            try await session.query(
                """
                UPDATE users SET last_login_at = \(login.at), last_proof = \(login.proof.rawValue)
                WHERE id = \(id.rawValue) AND (last_login_at IS NULL OR last_login_at <= \(login.at))
                """)
            guard let (profile, authDate) = profile else { return }
            try await session.query(
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
        try await !database.write(
            "UPDATE users SET status = \(status.rawValue), updated_at = \(at) WHERE id = \(id.rawValue) RETURNING 1"
        ).isEmpty
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

    func delete(id: UserID) async throws -> Bool {
        // Provider links, refresh families and their tokens go with the user (ON DELETE CASCADE).
        try await !database.write("DELETE FROM users WHERE id = \(id.rawValue) RETURNING 1").isEmpty
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
                row.text(16).flatMap(TelegramIdentity.Proof.init(rawValue:)).map { UserLogin(at: at, proof: $0) }
            })
    }
}
