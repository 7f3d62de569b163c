import NIOCore
import PostgresNIO
import TelegateCore

struct PostgresRefreshTokenStore: RefreshTokenStore {
    let engine: PostgresEngine

    func createFamily(_ family: RefreshFamily, tokens: [RefreshTokenRecord]) async throws -> Bool {
        do {
            return try await engine.write { transaction in
                let created = try await transaction.query(
                    """
                    INSERT INTO refresh_families (id, app_id, user_id, adapter, created_at, expires_at)
                    SELECT \(family.id), \(family.appID.rawValue), \(family.userID.rawValue), \(family.adapter.rawValue),
                        \(family.createdAt), \(family.expiresAt)
                    WHERE EXISTS (SELECT 1 FROM users WHERE id = \(family.userID.rawValue))
                    ON CONFLICT (id) DO NOTHING RETURNING 1::BIGINT
                    """)
                guard !created.isEmpty else { return false }
                for token in tokens { try await Self.insert(token, transaction) }
                return true
            }
        } catch let error as TelegateError where error.code == .internalError {
            // The user was erased between the existence check and the insert (by another process): nothing stored.
            if try await engine.query("SELECT 1::BIGINT FROM users WHERE id = \(family.userID.rawValue)").isEmpty {
                return false
            }
            throw error
        }
    }

    func token(familyID: String, hash: [UInt8]) async throws -> (token: RefreshTokenRecord, family: RefreshFamily)? {
        guard
            let row = try await engine.query(
                """
                SELECT t.hash, t.family_id, t.generation::BIGINT, t.state, t.created_at, t.expires_at, t.rotated_at,
                    f.app_id, f.user_id, f.adapter, f.created_at, f.expires_at, f.revoked_at, f.revoke_reason,
                    t.grace_used
                FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
                WHERE t.family_id = \(familyID) AND t.hash = \(ByteBuffer(bytes: hash))
                """
            ).first,
            let state = row.text(3).flatMap(RefreshTokenRecord.State.init(rawValue:)),
            let appID = row.text(7).flatMap(AppID.init(rawValue:)),
            let userID = row.text(8).flatMap(UserID.init(rawValue:)),
            let adapter = row.text(9).flatMap(AdapterName.init(rawValue:))
        else { return nil }
        let token = RefreshTokenRecord(
            hash: row.blob(0) ?? [], familyID: row.text(1) ?? "", generation: Int(row.integer(2) ?? 0), state: state,
            createdAt: row.integer(4) ?? 0, expiresAt: row.integer(5) ?? 0, rotatedAt: row.integer(6),
            graceUsed: row.bool(14))
        let family = RefreshFamily(
            id: token.familyID, appID: appID, userID: userID, adapter: adapter, createdAt: row.integer(10) ?? 0,
            expiresAt: row.integer(11) ?? 0, revokedAt: row.integer(12), revokeReason: row.text(13))
        return (token, family)
    }

    func families(userID: UserID) async throws -> [RefreshFamily] {
        try await engine.query(
            """
            SELECT id, app_id, user_id, adapter, created_at, expires_at, revoked_at, revoke_reason
            FROM refresh_families WHERE user_id = \(userID.rawValue) ORDER BY created_at DESC, id DESC
            """
        ).compactMap { row in
            guard let id = row.text(0), let appID = row.text(1).flatMap(AppID.init(rawValue:)),
                let userID = row.text(2).flatMap(UserID.init(rawValue:)),
                let adapter = row.text(3).flatMap(AdapterName.init(rawValue:))
            else { return nil }
            return RefreshFamily(
                id: id, appID: appID, userID: userID, adapter: adapter, createdAt: row.integer(4) ?? 0,
                expiresAt: row.integer(5) ?? 0, revokedAt: row.integer(6), revokeReason: row.text(7))
        }
    }

    /// One statement: the conditional update that only an active token passes and the insert of its successor,
    /// so of two instances presenting the same token at once exactly one wins.
    func rotate(familyID: String, hash: [UInt8], at: Int64, next: RefreshTokenRecord) async throws -> Bool {
        try await !engine.query(
            """
            WITH rotated AS (
                UPDATE refresh_tokens SET state = 'rotated', rotated_at = \(at)
                WHERE family_id = \(familyID) AND hash = \(ByteBuffer(bytes: hash)) AND state = 'active'
                RETURNING family_id
            )
            INSERT INTO refresh_tokens (hash, family_id, generation, state, created_at, expires_at, rotated_at, grace_used)
            SELECT \(ByteBuffer(bytes: next.hash)), \(next.familyID), \(Int32(next.generation)), \(next.state.rawValue),
                \(next.createdAt), \(next.expiresAt), \(next.rotatedAt), \(next.graceUsed)
            FROM rotated
            RETURNING 1::BIGINT
            """
        ).isEmpty
    }

    /// One conditional update: of several instances claiming at once, the first takes the row lock and the others
    /// re-check the condition after it commits, and find the grace used.
    func claimGrace(familyID: String, hash: [UInt8], rotatedSince: Int64) async throws -> Bool {
        try await !engine.query(
            """
            UPDATE refresh_tokens SET grace_used = TRUE
            WHERE family_id = \(familyID) AND hash = \(ByteBuffer(bytes: hash)) AND state = 'rotated' AND NOT grace_used
                AND rotated_at >= \(rotatedSince)
            RETURNING 1::BIGINT
            """
        ).isEmpty
    }

    @discardableResult
    func revokeFamily(id: String, reason: String, at: Int64) async throws -> Bool {
        try await !engine.query(
            """
            UPDATE refresh_families SET revoked_at = \(at), revoke_reason = \(reason)
            WHERE id = \(id) AND revoked_at IS NULL RETURNING 1::BIGINT
            """
        ).isEmpty
    }

    func revokeFamilies(userID: UserID, reason: String, at: Int64) async throws -> Int {
        try await engine.write { transaction in
            try await transaction.run(
                """
                UPDATE users SET sessions_revoked_at = GREATEST(COALESCE(sessions_revoked_at, \(at)), \(at))
                WHERE id = \(userID.rawValue)
                """)
            return try await transaction.query(
                """
                UPDATE refresh_families SET revoked_at = \(at), revoke_reason = \(reason)
                WHERE user_id = \(userID.rawValue) AND revoked_at IS NULL RETURNING 1::BIGINT
                """
            ).count
        }
    }

    func deleteExpired(before time: Int64) async throws -> Int {
        try await engine.write { transaction in
            let tokens = try await transaction.query(
                "DELETE FROM refresh_tokens WHERE expires_at < \(time) RETURNING 1::BIGINT"
            ).count
            let families = try await transaction.query(
                """
                SELECT COUNT(*)::BIGINT FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
                WHERE f.expires_at < \(time)
                """
            ).first?.integer(0) ?? 0
            try await transaction.run("DELETE FROM refresh_families WHERE expires_at < \(time)")
            return tokens + Int(families)
        }
    }

    private static func insert(_ token: RefreshTokenRecord, _ transaction: PostgresTransaction) async throws {
        try await transaction.run(
            """
            INSERT INTO refresh_tokens (hash, family_id, generation, state, created_at, expires_at, rotated_at, grace_used)
            VALUES (\(ByteBuffer(bytes: token.hash)), \(token.familyID), \(Int32(token.generation)),
                \(token.state.rawValue), \(token.createdAt), \(token.expiresAt), \(token.rotatedAt), \(token.graceUsed))
            """)
    }
}
