import TelegateCore

struct SQLiteAdminTokenStore: AdminTokenStore {
    let engine: SQLiteEngine

    static let columns = "id, name, app_id, read_only, hash, created_at, revoked_at"

    func insert(_ token: AdminToken) async throws -> Bool {
        try await engine.write { handle in
            // The partial unique index on live names decides, also across processes.
            try handle.run(
                """
                INSERT INTO admin_tokens (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """,
                [
                    .text(token.id), .text(token.name), .text(token.appID?.rawValue), .bool(token.readOnly),
                    .blob(token.hash), .integer(token.createdAt), .integer(token.revokedAt),
                ]) == 1
        }
    }

    func token(hash: [UInt8]) async throws -> AdminToken? {
        try await engine.read { handle in
            try handle.query("SELECT \(Self.columns) FROM admin_tokens WHERE hash = ?", [.blob(hash)]).first
                .flatMap(Self.record)
        }
    }

    func tokens() async throws -> [AdminToken] {
        try await engine.read { handle in
            try handle.query("SELECT \(Self.columns) FROM admin_tokens ORDER BY created_at, id").compactMap(Self.record)
        }
    }

    func revoke(id: String, at: Int64) async throws -> Bool {
        try await engine.write { handle in
            try handle.run(
                "UPDATE admin_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.integer(at), .text(id)]) == 1
        }
    }

    private static func record(_ row: SQLiteRow) -> AdminToken? {
        guard let id = row.text(0), let name = row.text(1) else { return nil }
        return AdminToken(
            id: id, name: name, appID: row.text(2).flatMap(AppID.init(rawValue:)), readOnly: row.bool(3),
            hash: row.blob(4) ?? [], createdAt: row.integer(5) ?? 0, revokedAt: row.integer(6))
    }
}
