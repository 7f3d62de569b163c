import TelegateCore

struct SQLProviderLinkStore: ProviderLinkStore {
    let database: any SQLDatabase

    static let columns = "app_id, adapter, user_id, state, external_id, synced_profile_digest, updated_at"

    func link(appID: AppID, adapter: AdapterName, userID: UserID) async throws -> ProviderLink? {
        try await database.read(
            """
            SELECT \(raw: Self.columns) FROM provider_links
            WHERE app_id = \(appID.rawValue) AND adapter = \(adapter.rawValue) AND user_id = \(userID.rawValue)
            """
        ).first.flatMap(ProviderLink.init(row:))
    }

    /// The link row is the gate for provider-user creation: only the caller whose insert returned a row moves it
    /// from `creating` onwards and talks to the provider, in whichever process it runs.
    func insertIfAbsent(_ link: ProviderLink) async throws -> (link: ProviderLink, inserted: Bool) {
        let inserted = try await database.write(
            """
            INSERT INTO provider_links (\(raw: Self.columns)) VALUES (
                \(link.appID.rawValue), \(link.adapter.rawValue), \(link.userID.rawValue), \(link.state.rawValue),
                \(link.externalID), \(link.syncedProfileDigest), \(link.updatedAt))
            ON CONFLICT (app_id, adapter, user_id) DO NOTHING RETURNING 1
            """)
        if !inserted.isEmpty { return (link, true) }
        guard let existing = try await self.link(appID: link.appID, adapter: link.adapter, userID: link.userID) else {
            throw TelegateError.internalError()
        }
        return (existing, false)
    }

    func update(_ link: ProviderLink, expecting expected: ProviderLink.State) async throws -> Bool {
        try await !database.write(
            """
            UPDATE provider_links SET state = \(link.state.rawValue), external_id = \(link.externalID),
                synced_profile_digest = \(link.syncedProfileDigest), updated_at = \(link.updatedAt)
            WHERE app_id = \(link.appID.rawValue) AND adapter = \(link.adapter.rawValue)
                AND user_id = \(link.userID.rawValue) AND state = \(expected.rawValue)
            RETURNING 1
            """
        ).isEmpty
    }

    func links(userID: UserID) async throws -> [ProviderLink] {
        try await database.read(
            "SELECT \(raw: Self.columns) FROM provider_links WHERE user_id = \(userID.rawValue) ORDER BY adapter"
        ).compactMap(ProviderLink.init(row:))
    }

    func delete(appID: AppID, adapter: AdapterName, userID: UserID) async throws {
        try await database.write(
            """
            DELETE FROM provider_links
            WHERE app_id = \(appID.rawValue) AND adapter = \(adapter.rawValue) AND user_id = \(userID.rawValue)
            """)
    }
}

extension ProviderLink {
    /// A row of ``SQLProviderLinkStore/columns``.
    init?(row: any SQLRow) {
        guard let appID = row.text(0).flatMap(AppID.init(rawValue:)),
            let adapter = row.text(1).flatMap(AdapterName.init(rawValue:)),
            let userID = row.text(2).flatMap(UserID.init(rawValue:)),
            let state = row.text(3).flatMap(ProviderLink.State.init(rawValue:))
        else { return nil }
        self.init(
            appID: appID, adapter: adapter, userID: userID, state: state, externalID: row.text(4),
            syncedProfileDigest: row.text(5), updatedAt: row.integer(6) ?? 0)
    }
}
