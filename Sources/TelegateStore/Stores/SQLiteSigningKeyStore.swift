import StrictJSON
import TelegateCore

struct SQLiteSigningKeyStore: SigningKeyStore {
    let engine: SQLiteEngine

    func keys(appID: AppID, now: Int64) async throws -> [StoredSigningKey] {
        try await engine.read { handle in
            try handle.query(
                """
                SELECT app_id, kid, algorithm, state, sealed_private_key, public_jwk, created_at, expires_at
                FROM signing_keys WHERE app_id = ? AND (expires_at IS NULL OR expires_at > ?)
                ORDER BY created_at, kid
                """, [.text(appID.rawValue), .integer(now)]
            ).compactMap { row in
                guard let appID = row.text(0).flatMap(AppID.init(rawValue:)), let kid = row.text(1),
                    let algorithm = row.text(2).flatMap(SigningAlgorithm.init(rawValue:)),
                    let state = row.text(3).flatMap(StoredSigningKey.State.init(rawValue:)),
                    let sealed = row.text(4), let jwk = row.text(5).flatMap({ try? JSONValue.parse($0) })
                else { return nil }
                return StoredSigningKey(
                    appID: appID, kid: kid, algorithm: algorithm, state: state, sealedPrivateKey: sealed, publicJWK: jwk,
                    createdAt: row.integer(6) ?? 0, expiresAt: row.integer(7))
            }
        }
    }

    func insertInitial(active: StoredSigningKey, next: StoredSigningKey) async throws -> Bool {
        try await engine.write { handle in
            let existing = try handle.query(
                "SELECT 1 FROM signing_keys WHERE app_id = ? AND algorithm = ? AND state = 'active'",
                [.text(active.appID.rawValue), .text(active.algorithm.rawValue)])
            guard existing.isEmpty else { return false }
            try Self.insert(active, handle)
            try Self.insert(next, handle)
            return true
        }
    }

    func rotate(
        appID: AppID, algorithm: SigningAlgorithm, activeKid: String, retiredExpiresAt: Int64,
        newNext: StoredSigningKey
    ) async throws -> Bool {
        do {
            return try await engine.write { handle in
                let retired = try handle.run(
                    """
                    UPDATE signing_keys SET state = 'retired', expires_at = ?
                    WHERE app_id = ? AND algorithm = ? AND kid = ? AND state = 'active'
                    """,
                    [.integer(retiredExpiresAt), .text(appID.rawValue), .text(algorithm.rawValue), .text(activeKid)])
                guard retired == 1 else { return false }
                let promoted = try handle.run(
                    "UPDATE signing_keys SET state = 'active' WHERE app_id = ? AND algorithm = ? AND state = 'next'",
                    [.text(appID.rawValue), .text(algorithm.rawValue)])
                // Without a published successor the rotation would leave nothing to sign with: undo it.
                guard promoted == 1 else { throw NoSuccessor() }
                try Self.insert(newNext, handle)
                return true
            }
        } catch is NoSuccessor {
            return false
        }
    }

    /// Raised inside the write transaction to roll a rotation back.
    private struct NoSuccessor: Error {}

    private static func insert(_ key: StoredSigningKey, _ handle: SQLiteHandle) throws {
        try handle.run(
            """
            INSERT INTO signing_keys (app_id, kid, algorithm, state, sealed_private_key, public_jwk, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(key.appID.rawValue), .text(key.kid), .text(key.algorithm.rawValue), .text(key.state.rawValue),
                .text(key.sealedPrivateKey), .text(key.publicJWK.serialized), .integer(key.createdAt),
                .integer(key.expiresAt),
            ])
    }
}
