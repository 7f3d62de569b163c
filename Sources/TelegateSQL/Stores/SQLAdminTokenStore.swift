import TelegateCore

struct SQLAdminTokenStore: AdminTokenStore {
    let database: any SQLDatabase

    static let columns = "id, name, app_id, read_only, hash, created_at, revoked_at, permissions"

    func insert(_ token: AdminToken) async throws -> Bool {
        // The partial unique index on live names decides, also across processes.
        try await !database.write(
            """
            INSERT INTO admin_tokens (\(raw: Self.columns)) VALUES (
                \(token.id), \(token.name), \(token.appID?.rawValue), \(token.readOnly), \(token.hash),
                \(token.createdAt), \(token.revokedAt),
                \(token.permissions.isEmpty ? nil : token.permissions.map(\.rawValue).joined(separator: ",")))
            ON CONFLICT DO NOTHING RETURNING 1
            """
        ).isEmpty
    }

    func token(hash: [UInt8]) async throws -> AdminToken? {
        try await database.read("SELECT \(raw: Self.columns) FROM admin_tokens WHERE hash = \(hash)").first
            .flatMap(AdminToken.init(row:))
    }

    func tokens() async throws -> [AdminToken] {
        try await database.read("SELECT \(raw: Self.columns) FROM admin_tokens ORDER BY created_at, id")
            .compactMap(AdminToken.init(row:))
    }

    func revoke(id: String, at: Int64) async throws -> Bool {
        try await !database.write(
            "UPDATE admin_tokens SET revoked_at = \(at) WHERE id = \(id) AND revoked_at IS NULL RETURNING 1"
        ).isEmpty
    }
}

extension AdminToken {
    /// A row of ``SQLAdminTokenStore/columns``.
    init?(row: any SQLRow) {
        guard let id = row.text(0), let name = row.text(1) else { return nil }
        self.init(
            id: id, name: name, appID: row.text(2).flatMap(AppID.init(rawValue:)), readOnly: row.bool(3),
            permissions: (row.text(7) ?? "").split(separator: ",").compactMap { AdminPermission(rawValue: String($0)) },
            hash: row.blob(4) ?? [], createdAt: row.integer(5) ?? 0, revokedAt: row.integer(6))
    }
}
