import TelegateCore
import TelegramAuth

struct SQLAuthorizationCodeStore: AuthorizationCodeStore {
    let database: any SQLDatabase

    static let columns = """
        hash, app_id, client_id, user_id, auth_time, proof, redirect_uri, scopes, nonce, code_challenge, session_id,
        expires_at
        """

    func save(_ code: AuthorizationCode) async throws {
        try await database.write(
            """
            INSERT INTO authorization_codes (\(raw: Self.columns))
            VALUES (\(code.hash), \(code.appID.rawValue), \(code.clientID.rawValue), \(code.userID.rawValue),
                \(code.login.at), \(code.login.proof.rawValue), \(code.request.redirectURI),
                \(code.request.scopes.joined(separator: " ")), \(code.request.nonce), \(code.request.codeChallenge),
                \(code.sessionID), \(code.expiresAt))
            """)
    }

    /// One conditional update: of several instances presenting the code at once, the first takes the row lock and
    /// the others re-check the condition after it commits, and find the code redeemed. A code that matched nothing
    /// is read once more to tell a replay from an unknown or expired code.
    func redeem(appID: AppID, hash: [UInt8], at: Int64) async throws -> CodeRedemption {
        if let row = try await database.write(
            """
            UPDATE authorization_codes SET redeemed_at = \(at)
            WHERE app_id = \(appID.rawValue) AND hash = \(hash) AND redeemed_at IS NULL AND expires_at > \(at)
            RETURNING \(raw: Self.columns)
            """
        ).first, let code = AuthorizationCode(row: row) {
            return .redeemed(code)
        }
        guard
            let row = try await database.read(
                """
                SELECT \(raw: Self.columns), grant_id FROM authorization_codes
                WHERE app_id = \(appID.rawValue) AND hash = \(hash) AND redeemed_at IS NOT NULL
                """
            ).first, let code = AuthorizationCode(row: row)
        else { return .unknown }
        return .replayed(code, grantID: row.text(12))
    }

    func recordGrant(appID: AppID, hash: [UInt8], grantID: String) async throws {
        try await database.write(
            "UPDATE authorization_codes SET grant_id = \(grantID) WHERE app_id = \(appID.rawValue) AND hash = \(hash)")
    }

    func deleteExpired(before cutoff: Int64) async throws -> Int {
        try await database.write("DELETE FROM authorization_codes WHERE expires_at < \(cutoff) RETURNING 1").count
    }
}

extension AuthorizationCode {
    /// The ``SQLAuthorizationCodeStore/columns`` of a row.
    init?(row: any SQLRow) {
        guard let hash = row.blob(0), let appID = row.text(1).flatMap(AppID.init(rawValue:)),
            let clientID = row.text(2).flatMap(ClientID.init(rawValue:)),
            let userID = row.text(3).flatMap(UserID.init(rawValue:)), let authTime = row.integer(4),
            let proof = row.text(5).flatMap(TelegramIdentity.Proof.init(rawValue:)), let redirectURI = row.text(6),
            let scopes = row.text(7), let expiresAt = row.integer(11)
        else { return nil }
        self.init(
            hash: hash, appID: appID, clientID: clientID, userID: userID, login: UserLogin(at: authTime, proof: proof),
            request: AuthorizedRequest(
                redirectURI: redirectURI, scopes: scopes.split(separator: " ").map(String.init), nonce: row.text(8),
                codeChallenge: row.text(9)),
            sessionID: row.text(10), expiresAt: expiresAt)
    }
}
