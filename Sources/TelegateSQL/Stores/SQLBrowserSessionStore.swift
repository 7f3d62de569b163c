import TelegateCore
import TelegramAuth

struct SQLBrowserSessionStore: BrowserSessionStore {
    let database: any SQLDatabase

    static let columns = "hash, app_id, user_id, auth_time, proof, created_at, last_seen_at, expires_at, revoked_at"

    func create(_ session: BrowserSession) async throws {
        try await database.write(
            """
            INSERT INTO browser_sessions (\(raw: Self.columns))
            VALUES (\(session.hash), \(session.appID.rawValue), \(session.userID.rawValue), \(session.login.at),
                \(session.login.proof.rawValue), \(session.createdAt), \(session.lastSeenAt), \(session.expiresAt),
                \(session.revokedAt))
            """)
    }

    func session(appID: AppID, hash: [UInt8]) async throws -> BrowserSession? {
        try await database.read(
            "SELECT \(raw: Self.columns) FROM browser_sessions WHERE app_id = \(appID.rawValue) AND hash = \(hash)"
        ).first.flatMap(BrowserSession.init(row:))
    }

    func touch(appID: AppID, hash: [UInt8], at: Int64) async throws {
        try await database.write(
            """
            UPDATE browser_sessions SET last_seen_at = \(at)
            WHERE app_id = \(appID.rawValue) AND hash = \(hash) AND last_seen_at < \(at)
            """)
    }

    @discardableResult
    func revoke(appID: AppID, hash: [UInt8], at: Int64) async throws -> Bool {
        try await !database.write(
            """
            UPDATE browser_sessions SET revoked_at = \(at)
            WHERE app_id = \(appID.rawValue) AND hash = \(hash) AND revoked_at IS NULL RETURNING 1
            """
        ).isEmpty
    }

    func deleteExpired(before cutoff: Int64) async throws -> Int {
        try await database.write("DELETE FROM browser_sessions WHERE expires_at < \(cutoff) RETURNING 1").count
    }
}

extension BrowserSession {
    /// The ``SQLBrowserSessionStore/columns`` of a row.
    init?(row: any SQLRow) {
        guard let hash = row.blob(0), let appID = row.text(1).flatMap(AppID.init(rawValue:)),
            let userID = row.text(2).flatMap(UserID.init(rawValue:)), let authTime = row.integer(3),
            let proof = row.text(4).flatMap(TelegramIdentity.Proof.init(rawValue:)), let createdAt = row.integer(5),
            let lastSeenAt = row.integer(6), let expiresAt = row.integer(7)
        else { return nil }
        self.init(
            hash: hash, appID: appID, userID: userID, login: UserLogin(at: authTime, proof: proof), createdAt: createdAt,
            lastSeenAt: lastSeenAt, expiresAt: expiresAt, revokedAt: row.integer(8))
    }
}
