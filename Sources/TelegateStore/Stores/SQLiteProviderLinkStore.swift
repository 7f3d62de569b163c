import TelegateCore

struct SQLiteProviderLinkStore: ProviderLinkStore {
    let engine: SQLiteEngine

    static let columns = "app_id, adapter, user_id, state, external_id, synced_profile_digest, updated_at"

    func link(appID: AppID, adapter: AdapterName, userID: UserID) async throws -> ProviderLink? {
        try await engine.read { handle in
            try Self.find(handle, appID, adapter, userID)
        }
    }

    func insertIfAbsent(_ link: ProviderLink) async throws -> (link: ProviderLink, inserted: Bool) {
        try await engine.write { handle in
            let inserted = try handle.run(
                """
                INSERT INTO provider_links (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (app_id, adapter, user_id) DO NOTHING
                """, Self.values(link))
            if inserted == 1 { return (link, true) }
            guard let existing = try Self.find(handle, link.appID, link.adapter, link.userID) else {
                throw TelegateError.internalError()
            }
            return (existing, false)
        }
    }

    func update(_ link: ProviderLink, expecting expected: ProviderLink.State) async throws -> Bool {
        try await engine.write { handle in
            try handle.run(
                """
                UPDATE provider_links SET state = ?, external_id = ?, synced_profile_digest = ?, updated_at = ?
                WHERE app_id = ? AND adapter = ? AND user_id = ? AND state = ?
                """,
                [
                    .text(link.state.rawValue), .text(link.externalID), .text(link.syncedProfileDigest),
                    .integer(link.updatedAt), .text(link.appID.rawValue), .text(link.adapter.rawValue),
                    .text(link.userID.rawValue), .text(expected.rawValue),
                ]) == 1
        }
    }

    func delete(appID: AppID, adapter: AdapterName, userID: UserID) async throws {
        try await engine.write { handle in
            try handle.run(
                "DELETE FROM provider_links WHERE app_id = ? AND adapter = ? AND user_id = ?",
                [.text(appID.rawValue), .text(adapter.rawValue), .text(userID.rawValue)])
        }
    }

    func links(userID: UserID) async throws -> [ProviderLink] {
        try await engine.read { handle in
            try handle.query(
                "SELECT \(Self.columns) FROM provider_links WHERE user_id = ? ORDER BY adapter", [.text(userID.rawValue)]
            ).compactMap(Self.link)
        }
    }

    private static func find(_ handle: SQLiteHandle, _ appID: AppID, _ adapter: AdapterName, _ userID: UserID) throws
        -> ProviderLink?
    {
        try handle.query(
            "SELECT \(columns) FROM provider_links WHERE app_id = ? AND adapter = ? AND user_id = ?",
            [.text(appID.rawValue), .text(adapter.rawValue), .text(userID.rawValue)]
        ).first.flatMap(link)
    }

    private static func link(_ row: SQLiteRow) -> ProviderLink? {
        guard let appID = row.text(0).flatMap(AppID.init(rawValue:)),
            let adapter = row.text(1).flatMap(AdapterName.init(rawValue:)),
            let userID = row.text(2).flatMap(UserID.init(rawValue:)),
            let state = row.text(3).flatMap(ProviderLink.State.init(rawValue:))
        else { return nil }
        return ProviderLink(
            appID: appID, adapter: adapter, userID: userID, state: state, externalID: row.text(4),
            syncedProfileDigest: row.text(5), updatedAt: row.integer(6) ?? 0)
    }

    private static func values(_ link: ProviderLink) -> [SQLiteValue] {
        [
            .text(link.appID.rawValue), .text(link.adapter.rawValue), .text(link.userID.rawValue),
            .text(link.state.rawValue), .text(link.externalID), .text(link.syncedProfileDigest), .integer(link.updatedAt),
        ]
    }
}
