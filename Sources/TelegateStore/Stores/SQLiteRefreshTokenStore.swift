import TelegateCore

struct SQLiteRefreshTokenStore: RefreshTokenStore {
    let engine: SQLiteEngine

    func createFamily(_ family: RefreshFamily, tokens: [RefreshTokenRecord]) async throws -> Bool {
        try await engine.write { handle in
            let created = try handle.run(
                """
                INSERT INTO refresh_families (id, app_id, user_id, adapter, created_at, expires_at)
                SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ?)
                ON CONFLICT (id) DO NOTHING
                """,
                [
                    .text(family.id), .text(family.appID.rawValue), .text(family.userID.rawValue),
                    .text(family.adapter.rawValue), .integer(family.createdAt), .integer(family.expiresAt),
                    .text(family.userID.rawValue),
                ])
            guard created == 1 else { return false }
            for token in tokens { try Self.insert(token, handle) }
            return true
        }
    }

    func token(familyID: String, hash: [UInt8]) async throws -> (token: RefreshTokenRecord, family: RefreshFamily)? {
        try await engine.read { handle in
            guard
                let row = try handle.query(
                    """
                    SELECT t.hash, t.family_id, t.generation, t.state, t.created_at, t.expires_at, t.rotated_at,
                        f.app_id, f.user_id, f.adapter, f.created_at, f.expires_at, f.revoked_at, f.revoke_reason,
                        t.grace_used
                    FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
                    WHERE t.family_id = ? AND t.hash = ?
                    """, [.text(familyID), .blob(hash)]
                ).first,
                let state = row.text(3).flatMap(RefreshTokenRecord.State.init(rawValue:)),
                let appID = row.text(7).flatMap(AppID.init(rawValue:)),
                let userID = row.text(8).flatMap(UserID.init(rawValue:)),
                let adapter = row.text(9).flatMap(AdapterName.init(rawValue:))
            else { return nil }
            let token = RefreshTokenRecord(
                hash: row.blob(0) ?? [], familyID: row.text(1) ?? "", generation: Int(row.integer(2) ?? 0), state: state,
                createdAt: row.integer(4) ?? 0, expiresAt: row.integer(5) ?? 0, rotatedAt: row.integer(6),
                graceUsed: row.integer(14) == 1)
            let family = RefreshFamily(
                id: token.familyID, appID: appID, userID: userID, adapter: adapter, createdAt: row.integer(10) ?? 0,
                expiresAt: row.integer(11) ?? 0, revokedAt: row.integer(12), revokeReason: row.text(13))
            return (token, family)
        }
    }

    func rotate(familyID: String, hash: [UInt8], at: Int64, next: RefreshTokenRecord) async throws -> Bool {
        try await engine.write { handle in
            let rotated = try handle.run(
                """
                UPDATE refresh_tokens SET state = 'rotated', rotated_at = ?
                WHERE family_id = ? AND hash = ? AND state = 'active'
                """,
                [.integer(at), .text(familyID), .blob(hash)])
            guard rotated == 1 else { return false }
            try Self.insert(next, handle)
            return true
        }
    }

    func claimGrace(familyID: String, hash: [UInt8], rotatedSince: Int64) async throws -> Bool {
        try await engine.write { handle in
            try handle.run(
                """
                UPDATE refresh_tokens SET grace_used = 1
                WHERE family_id = ? AND hash = ? AND state = 'rotated' AND grace_used = 0 AND rotated_at >= ?
                """,
                [.text(familyID), .blob(hash), .integer(rotatedSince)]) == 1
        }
    }

    @discardableResult
    func revokeFamily(id: String, reason: String, at: Int64) async throws -> Bool {
        try await engine.write { handle in
            try handle.run(
                "UPDATE refresh_families SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL",
                [.integer(at), .text(reason), .text(id)]) == 1
        }
    }

    func revokeFamilies(userID: UserID, reason: String, at: Int64) async throws -> Int {
        try await engine.write { handle in
            try handle.run(
                "UPDATE users SET sessions_revoked_at = max(coalesce(sessions_revoked_at, ?), ?) WHERE id = ?",
                [.integer(at), .integer(at), .text(userID.rawValue)])
            return try handle.run(
                "UPDATE refresh_families SET revoked_at = ?, revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL",
                [.integer(at), .text(reason), .text(userID.rawValue)])
        }
    }

    func deleteExpired(before time: Int64) async throws -> Int {
        try await engine.write { handle in
            let tokens = try handle.run("DELETE FROM refresh_tokens WHERE expires_at < ?", [.integer(time)])
            let families = try handle.query(
                "SELECT COUNT(*) FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id WHERE f.expires_at < ?",
                [.integer(time)]
            ).first?.integer(0) ?? 0
            try handle.run("DELETE FROM refresh_families WHERE expires_at < ?", [.integer(time)])
            return tokens + Int(families)
        }
    }

    func families(userID: UserID) async throws -> [RefreshFamily] {
        try await engine.read { handle in
            try handle.query(
                """
                SELECT id, app_id, user_id, adapter, created_at, expires_at, revoked_at, revoke_reason
                FROM refresh_families WHERE user_id = ? ORDER BY created_at DESC, id DESC
                """, [.text(userID.rawValue)]
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
    }

    private static func insert(_ token: RefreshTokenRecord, _ handle: SQLiteHandle) throws {
        try handle.run(
            """
            INSERT INTO refresh_tokens (hash, family_id, generation, state, created_at, expires_at, rotated_at, grace_used)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .blob(token.hash), .text(token.familyID), .integer(Int64(token.generation)), .text(token.state.rawValue),
                .integer(token.createdAt), .integer(token.expiresAt), .integer(token.rotatedAt),
                .integer(token.graceUsed ? 1 : 0),
            ])
    }
}
