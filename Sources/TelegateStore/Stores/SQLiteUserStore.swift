import TelegateCore
import TelegramAuth

struct SQLiteUserStore: UserStore {
    let engine: SQLiteEngine

    static let columns = """
        id, app_id, telegram_id, status, first_name, last_name, username, photo_url, language_code, is_premium,
        profile_auth_date, created_at, updated_at, sessions_revoked_at, allows_write_to_pm, last_login_at, last_proof
        """

    func user(appID: AppID, telegramID: Int64) async throws -> UserRecord? {
        try await engine.read { handle in
            try handle.query(
                "SELECT \(Self.columns) FROM users WHERE app_id = ? AND telegram_id = ?",
                [.text(appID.rawValue), .integer(telegramID)]
            ).first.flatMap(Self.record)
        }
    }

    func user(id: UserID) async throws -> UserRecord? {
        try await engine.read { handle in
            try handle.query("SELECT \(Self.columns) FROM users WHERE id = ?", [.text(id.rawValue)]).first.flatMap(Self.record)
        }
    }

    func insertIfAbsent(_ user: UserRecord) async throws -> (user: UserRecord, inserted: Bool) {
        try await engine.write { handle in
            let profile = user.profile
            let inserted = try handle.run(
                """
                INSERT INTO users (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (app_id, telegram_id) DO NOTHING
                """,
                [
                    .text(user.id.rawValue), .text(user.appID.rawValue), .integer(user.telegramID),
                    .text(user.status.rawValue), .text(profile.firstName), .text(profile.lastName),
                    .text(profile.username), .text(profile.photoURL), .text(profile.languageCode),
                    .bool(profile.isPremium), .integer(user.profileAuthDate), .integer(user.createdAt),
                    .integer(user.updatedAt), .integer(user.sessionsRevokedAt), .bool(profile.allowsWriteToPM),
                    .integer(user.lastLogin?.at), .text(user.lastLogin?.proof.rawValue),
                ])
            if inserted == 1 { return (user, true) }
            guard
                let existing = try handle.query(
                    "SELECT \(Self.columns) FROM users WHERE app_id = ? AND telegram_id = ?",
                    [.text(user.appID.rawValue), .integer(user.telegramID)]
                ).first.flatMap(Self.record)
            else { throw TelegateError.internalError() }
            return (existing, false)
        }
    }

    func recordLogin(id: UserID, _ login: UserLogin, profile: (profile: UserProfile, authDate: Int64)?) async throws {
        try await engine.write { handle in
            try handle.run(
                """
                UPDATE users SET last_login_at = ?, last_proof = ?
                WHERE id = ? AND (last_login_at IS NULL OR last_login_at <= ?)
                """,
                [.integer(login.at), .text(login.proof.rawValue), .text(id.rawValue), .integer(login.at)])
            guard let (profile, authDate) = profile else { return }
            try handle.run(
                """
                UPDATE users SET first_name = ?, last_name = ?, username = ?, photo_url = ?, language_code = ?,
                    is_premium = ?, allows_write_to_pm = ?, profile_auth_date = ?, updated_at = ?
                WHERE id = ? AND profile_auth_date <= ?
                """,
                [
                    .text(profile.firstName), .text(profile.lastName), .text(profile.username), .text(profile.photoURL),
                    .text(profile.languageCode), .bool(profile.isPremium), .bool(profile.allowsWriteToPM),
                    .integer(authDate), .integer(login.at), .text(id.rawValue), .integer(authDate),
                ])
        }
    }

    func setStatus(id: UserID, status: UserStatus, at: Int64) async throws -> Bool {
        try await engine.write { handle in
            try handle.run(
                "UPDATE users SET status = ?, updated_at = ? WHERE id = ?",
                [.text(status.rawValue), .integer(at), .text(id.rawValue)]) == 1
        }
    }

    func users(appID: AppID, username: String?, after cursor: UserCursor?, limit: Int) async throws -> [UserRecord] {
        try await engine.read { handle in
            try handle.query(
                """
                SELECT \(Self.columns) FROM users
                WHERE app_id = ? AND (? IS NULL OR username = ? COLLATE NOCASE)
                    AND (? IS NULL OR created_at < ? OR (created_at = ? AND id < ?))
                ORDER BY created_at DESC, id DESC LIMIT ?
                """,
                [
                    .text(appID.rawValue), .text(username), .text(username), .integer(cursor?.createdAt),
                    .integer(cursor?.createdAt), .integer(cursor?.createdAt), .text(cursor?.id.rawValue),
                    .integer(Int64(limit)),
                ]
            ).compactMap(Self.record)
        }
    }

    func delete(id: UserID) async throws -> Bool {
        try await engine.write { handle in
            // Provider links, refresh families and their tokens go with the user (ON DELETE CASCADE).
            try handle.run("DELETE FROM users WHERE id = ?", [.text(id.rawValue)]) == 1
        }
    }

    static func record(_ row: SQLiteRow) -> UserRecord? {
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
