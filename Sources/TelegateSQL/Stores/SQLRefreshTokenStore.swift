import TelegateCore

struct SQLRefreshTokenStore: RefreshTokenStore {
    let database: any SQLDatabase

    static let familyColumns =
        "id, app_id, user_id, adapter, created_at, expires_at, revoked_at, revoke_reason, client_id, scope, auth_time"

    func createFamily(_ family: RefreshFamily, tokens: [RefreshTokenRecord]) async throws -> Bool {
        do {
            return try await database.write { session in
                let created = try await session.query(
                    """
                    INSERT INTO refresh_families (
                        id, app_id, user_id, adapter, created_at, expires_at, client_id, scope, auth_time)
                    SELECT \(family.id), \(family.appID.rawValue), \(family.userID.rawValue), \(family.adapter.rawValue),
                        \(family.createdAt), \(family.expiresAt), \(family.grant?.clientID.rawValue),
                        \(family.grant?.scopes.joined(separator: " ")), \(family.grant?.authTime)
                    WHERE EXISTS (SELECT 1 FROM users WHERE id = \(family.userID.rawValue))
                    ON CONFLICT (id) DO NOTHING RETURNING 1
                    """)
                guard !created.isEmpty else { return false }
                for token in tokens { try await session.query(Self.insert(token)) }
                return true
            }
        } catch let error as TelegateError where error.code == .internalError {
            // The user was erased between the existence check and the insert (by another process): nothing stored.
            if try await database.read("SELECT 1 FROM users WHERE id = \(family.userID.rawValue)").isEmpty {
                return false
            }
            throw error
        }
    }

    func token(familyID: String, hash: [UInt8]) async throws -> (token: RefreshTokenRecord, family: RefreshFamily)? {
        guard
            let row = try await database.read(
                """
                SELECT t.hash, t.family_id, t.generation, t.state, t.created_at, t.expires_at, t.rotated_at, t.grace_used,
                    f.id, f.app_id, f.user_id, f.adapter, f.created_at, f.expires_at, f.revoked_at, f.revoke_reason,
                    f.client_id, f.scope, f.auth_time
                FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
                WHERE t.family_id = \(familyID) AND t.hash = \(hash)
                """
            ).first,
            let state = row.text(3).flatMap(RefreshTokenRecord.State.init(rawValue:)),
            let family = RefreshFamily(row: row, from: 8)
        else { return nil }
        let token = RefreshTokenRecord(
            hash: row.blob(0) ?? [], familyID: row.text(1) ?? "", generation: Int(row.integer(2) ?? 0), state: state,
            createdAt: row.integer(4) ?? 0, expiresAt: row.integer(5) ?? 0, rotatedAt: row.integer(6),
            graceUsed: row.bool(7))
        return (token, family)
    }

    func family(id: String) async throws -> RefreshFamily? {
        try await database.read("SELECT \(raw: Self.familyColumns) FROM refresh_families WHERE id = \(id)")
            .first.flatMap { RefreshFamily(row: $0, from: 0) }
    }

    func families(userID: UserID) async throws -> [RefreshFamily] {
        try await database.read(
            """
            SELECT \(raw: Self.familyColumns)
            FROM refresh_families WHERE user_id = \(userID.rawValue) ORDER BY created_at DESC, id DESC
            """
        ).compactMap { RefreshFamily(row: $0, from: 0) }
    }

    /// The conditional update that only an active token passes, and the insert of its successor, in one
    /// transaction: of two instances presenting the same token at once, the second waits for the first's row lock
    /// and then finds the token rotated, so exactly one wins.
    func rotate(familyID: String, hash: [UInt8], at: Int64, next: RefreshTokenRecord) async throws -> Bool {
        try await database.write { session in
            let rotated = try await session.query(
                """
                UPDATE refresh_tokens SET state = 'rotated', rotated_at = \(at)
                WHERE family_id = \(familyID) AND hash = \(hash) AND state = 'active'
                RETURNING 1
                """)
            guard !rotated.isEmpty else { return false }
            try await session.query(Self.insert(next))
            return true
        }
    }

    /// One conditional update: of several instances claiming at once, the first takes the row lock and the others
    /// re-check the condition after it commits, and find the grace used.
    func claimGrace(familyID: String, hash: [UInt8], rotatedSince: Int64) async throws -> Bool {
        try await !database.write(
            """
            UPDATE refresh_tokens SET grace_used = \(true)
            WHERE family_id = \(familyID) AND hash = \(hash) AND state = 'rotated' AND grace_used = \(false)
                AND rotated_at >= \(rotatedSince)
            RETURNING 1
            """
        ).isEmpty
    }

    @discardableResult
    func revokeFamily(id: String, reason: String, at: Int64) async throws -> Bool {
        try await !database.write(
            """
            UPDATE refresh_families SET revoked_at = \(at), revoke_reason = \(reason)
            WHERE id = \(id) AND revoked_at IS NULL RETURNING 1
            """
        ).isEmpty
    }

    func revokeFamilies(userID: UserID, reason: String, at: Int64) async throws -> Int {
        try await database.write { session in
            try await session.query(
                """
                UPDATE users SET sessions_revoked_at = CASE
                    WHEN sessions_revoked_at IS NULL OR sessions_revoked_at < \(at) THEN \(at) ELSE sessions_revoked_at END
                WHERE id = \(userID.rawValue)
                """)
            return try await session.query(
                """
                UPDATE refresh_families SET revoked_at = \(at), revoke_reason = \(reason)
                WHERE user_id = \(userID.rawValue) AND revoked_at IS NULL RETURNING 1
                """
            ).count
        }
    }

    func deleteExpired(before time: Int64) async throws -> Int {
        try await database.write { session in
            let tokens = try await session.query("DELETE FROM refresh_tokens WHERE expires_at < \(time) RETURNING 1").count
            let families = try await session.query(
                """
                SELECT COUNT(*) FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
                WHERE f.expires_at < \(time)
                """
            ).first?.integer(0) ?? 0
            try await session.query("DELETE FROM refresh_families WHERE expires_at < \(time)")
            return tokens + Int(families)
        }
    }

    private static func insert(_ token: RefreshTokenRecord) -> SQL {
        """
        INSERT INTO refresh_tokens (hash, family_id, generation, state, created_at, expires_at, rotated_at, grace_used)
        VALUES (\(token.hash), \(token.familyID), \(token.generation), \(token.state.rawValue), \(token.createdAt),
            \(token.expiresAt), \(token.rotatedAt), \(token.graceUsed))
        """
    }
}

extension RefreshFamily {
    /// The ``SQLRefreshTokenStore/familyColumns`` of a row, starting at column `first`.
    init?(row: any SQLRow, from first: Int) {
        guard let id = row.text(first), let appID = row.text(first + 1).flatMap(AppID.init(rawValue:)),
            let userID = row.text(first + 2).flatMap(UserID.init(rawValue:)),
            let adapter = row.text(first + 3).flatMap(AdapterName.init(rawValue:))
        else { return nil }
        let grant = row.text(first + 8).flatMap(ClientID.init(rawValue:)).map { clientID in
            ClientGrant(
                clientID: clientID,
                scopes: (row.text(first + 9) ?? "").split(separator: " ").map(String.init),
                authTime: row.integer(first + 10) ?? 0)
        }
        self.init(
            id: id, appID: appID, userID: userID, adapter: adapter, createdAt: row.integer(first + 4) ?? 0,
            expiresAt: row.integer(first + 5) ?? 0, revokedAt: row.integer(first + 6),
            revokeReason: row.text(first + 7), grant: grant)
    }
}
