import StrictJSON
import TelegateCore

struct SQLSigningKeyStore: SigningKeyStore {
    let database: any SQLDatabase

    func keys(appID: AppID, now: Int64) async throws -> [StoredSigningKey] {
        try await database.read(
            """
            SELECT app_id, kid, algorithm, state, sealed_private_key, public_jwk, created_at, expires_at
            FROM signing_keys WHERE app_id = \(appID.rawValue) AND (expires_at IS NULL OR expires_at > \(now))
            ORDER BY created_at, kid
            """
        ).compactMap(StoredSigningKey.init(row:))
    }

    /// The partial unique indexes (one active and one next key per app and algorithm) decide between processes.
    func insertInitial(active: StoredSigningKey, next: StoredSigningKey) async throws -> Bool {
        do {
            return try await database.write { session in
                guard try await !session.query(Self.insert(active, onConflict: "ON CONFLICT DO NOTHING RETURNING 1")).isEmpty
                else { return false }
                guard try await !session.query(Self.insert(next, onConflict: "ON CONFLICT DO NOTHING RETURNING 1")).isEmpty
                else { throw SQLRollback() }
                return true
            }
        } catch is SQLRollback {
            return false
        }
    }

    func rotate(
        appID: AppID, algorithm: SigningAlgorithm, activeKid: String, retiredExpiresAt: Int64,
        newNext: StoredSigningKey
    ) async throws -> Bool {
        do {
            return try await database.write { session in
                let retired = try await session.query(
                    """
                    UPDATE signing_keys SET state = 'retired', expires_at = \(retiredExpiresAt)
                    WHERE app_id = \(appID.rawValue) AND algorithm = \(algorithm.rawValue) AND kid = \(activeKid)
                        AND state = 'active'
                    RETURNING 1
                    """)
                guard !retired.isEmpty else { return false }
                let promoted = try await session.query(
                    """
                    UPDATE signing_keys SET state = 'active'
                    WHERE app_id = \(appID.rawValue) AND algorithm = \(algorithm.rawValue) AND state = 'next'
                    RETURNING 1
                    """)
                // Without a published successor the rotation would leave nothing to sign with: undo it.
                guard promoted.count == 1 else { throw SQLRollback() }
                // A successor that clashes with a stored key is an error.
                try await session.query(Self.insert(newNext, onConflict: ""))
                return true
            }
        } catch is SQLRollback {
            return false
        }
    }

    func endPublication(appID: AppID, kid: String, at: Int64) async throws -> Bool {
        try await database.write { session in
            try await !session.query(
                """
                UPDATE signing_keys SET expires_at = \(at)
                WHERE app_id = \(appID.rawValue) AND kid = \(kid) AND state = 'retired' AND expires_at > \(at)
                RETURNING 1
                """
            ).isEmpty
        }
    }

    private static func insert(_ key: StoredSigningKey, onConflict: String) -> SQL {
        """
        INSERT INTO signing_keys (app_id, kid, algorithm, state, sealed_private_key, public_jwk, created_at, expires_at)
        VALUES (\(key.appID.rawValue), \(key.kid), \(key.algorithm.rawValue), \(key.state.rawValue),
            \(key.sealedPrivateKey), \(key.publicJWK.serialized), \(key.createdAt), \(key.expiresAt))
        \(raw: onConflict)
        """
    }
}

extension StoredSigningKey {
    /// A row of the `signing_keys` columns ``SQLSigningKeyStore`` selects.
    init?(row: any SQLRow) {
        guard let appID = row.text(0).flatMap(AppID.init(rawValue:)), let kid = row.text(1),
            let algorithm = row.text(2).flatMap(SigningAlgorithm.init(rawValue:)),
            let state = row.text(3).flatMap(StoredSigningKey.State.init(rawValue:)),
            let sealed = row.text(4), let jwk = row.text(5).flatMap({ try? JSONValue.parse($0) })
        else { return nil }
        self.init(
            appID: appID, kid: kid, algorithm: algorithm, state: state, sealedPrivateKey: sealed, publicJWK: jwk,
            createdAt: row.integer(6) ?? 0, expiresAt: row.integer(7))
    }
}
