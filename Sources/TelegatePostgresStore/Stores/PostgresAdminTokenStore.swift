import PostgresNIO
import TelegateCore

struct PostgresAdminTokenStore: AdminTokenStore {
    let engine: PostgresEngine

    static let columns = "id, name, app_id, read_only, hash, created_at, revoked_at"

    func insert(_ token: AdminToken) async throws -> Bool {
        // The partial unique index on live names decides, also across instances.
        try await !engine.query(
            """
            INSERT INTO admin_tokens (\(unescaped: Self.columns)) VALUES (
                \(token.id), \(token.name), \(token.appID?.rawValue), \(token.readOnly), \(ByteBuffer(bytes: token.hash)),
                \(token.createdAt), \(token.revokedAt))
            ON CONFLICT DO NOTHING RETURNING 1::BIGINT
            """
        ).isEmpty
    }

    func token(hash: [UInt8]) async throws -> AdminToken? {
        try await engine.query(
            "SELECT \(unescaped: Self.columns) FROM admin_tokens WHERE hash = \(ByteBuffer(bytes: hash))"
        ).first.flatMap(Self.record)
    }

    func tokens() async throws -> [AdminToken] {
        try await engine.query("SELECT \(unescaped: Self.columns) FROM admin_tokens ORDER BY created_at, id")
            .compactMap(Self.record)
    }

    func revoke(id: String, at: Int64) async throws -> Bool {
        try await !engine.query(
            """
            UPDATE admin_tokens SET revoked_at = \(at) WHERE id = \(id) AND revoked_at IS NULL RETURNING 1::BIGINT
            """
        ).isEmpty
    }

    private static func record(_ row: PostgresResultRow) -> AdminToken? {
        guard let id = row.text(0), let name = row.text(1) else { return nil }
        return AdminToken(
            id: id, name: name, appID: row.text(2).flatMap(AppID.init(rawValue:)), readOnly: row.bool(3),
            hash: row.blob(4) ?? [], createdAt: row.integer(5) ?? 0, revokedAt: row.integer(6))
    }
}
