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
    /// from `creating` onwards and talks to the provider, in whichever process it runs. A link inserted as `linked`
    /// appends `user.linked` in the same transaction.
    func insertIfAbsent(_ link: ProviderLink) async throws -> (link: ProviderLink, inserted: Bool) {
        let inserted = try await database.write { session in
            let inserted = try await session.query(
                """
                INSERT INTO provider_links (\(raw: Self.columns)) VALUES (
                    \(link.appID.rawValue), \(link.adapter.rawValue), \(link.userID.rawValue), \(link.state.rawValue),
                    \(link.externalID), \(link.syncedProfileDigest), \(link.updatedAt))
                ON CONFLICT (app_id, adapter, user_id) DO NOTHING RETURNING 1
                """)
            if inserted.isEmpty { return false }
            if link.state == .linked, let accountID = link.externalID {
                try await Self.appendEvent(.userLinked, link, accountID: accountID, at: link.updatedAt, in: session)
            }
            return true
        }
        if inserted { return (link, true) }
        guard let existing = try await self.link(appID: link.appID, adapter: link.adapter, userID: link.userID) else {
            throw TelegateError.internalError()
        }
        return (existing, false)
    }

    /// `creating` → `linked` appends `user.linked`; `linked` → `creating` (the provider lost the account) appends
    /// `user.unlinked` for the account it had, read under the row's lock first. Re-recording a linked link (a profile
    /// sync) appends nothing.
    func update(_ link: ProviderLink, expecting expected: ProviderLink.State) async throws -> Bool {
        let key: SQL = """
            app_id = \(link.appID.rawValue) AND adapter = \(link.adapter.rawValue) AND user_id = \(link.userID.rawValue)
                AND state = \(expected.rawValue)
            """
        return try await database.write { session in
            var lostAccount: String?
            if expected == .linked, link.state != .linked {
                lostAccount = try await session.query(
                    "UPDATE provider_links SET updated_at = updated_at WHERE \(key) RETURNING external_id"
                ).first?.text(0)
            }
            let updated = try await session.query(
                """
                UPDATE provider_links SET state = \(link.state.rawValue), external_id = \(link.externalID),
                    synced_profile_digest = \(link.syncedProfileDigest), updated_at = \(link.updatedAt)
                WHERE \(key) RETURNING 1
                """)
            guard !updated.isEmpty else { return false }
            if expected == .creating, link.state == .linked, let accountID = link.externalID {
                try await Self.appendEvent(.userLinked, link, accountID: accountID, at: link.updatedAt, in: session)
            } else if let lostAccount {
                try await Self.appendEvent(.userUnlinked, link, accountID: lostAccount, at: link.updatedAt, in: session)
            }
            return true
        }
    }

    func links(userID: UserID) async throws -> [ProviderLink] {
        try await database.read(
            "SELECT \(raw: Self.columns) FROM provider_links WHERE user_id = \(userID.rawValue) ORDER BY adapter"
        ).compactMap(ProviderLink.init(row:))
    }

    /// Removing a linked link appends `user.unlinked` in the same transaction.
    func delete(appID: AppID, adapter: AdapterName, userID: UserID, at now: Int64) async throws {
        try await database.write { session in
            guard
                let removed = try await session.query(
                    """
                    DELETE FROM provider_links
                    WHERE app_id = \(appID.rawValue) AND adapter = \(adapter.rawValue) AND user_id = \(userID.rawValue)
                    RETURNING \(raw: Self.columns)
                    """
                ).first.flatMap(ProviderLink.init(row:)),
                removed.state == .linked, let accountID = removed.externalID
            else { return }
            try await Self.appendEvent(.userUnlinked, removed, accountID: accountID, at: now, in: session)
        }
    }

    /// Appends `user.linked` or `user.unlinked` for `link`, naming its adapter's provider kind (`null` once the
    /// adapter is gone).
    private static func appendEvent(
        _ type: EventType, _ link: ProviderLink, accountID: String, at: Int64, in session: any SQLSession
    ) async throws {
        let kind = try await session.query(
            "SELECT kind FROM adapters WHERE app_id = \(link.appID.rawValue) AND name = \(link.adapter.rawValue)"
        ).first?.text(0)
        try await SQLEventOutbox.append(
            .link(
                type, appID: link.appID, userID: link.userID, adapter: link.adapter, provider: kind, accountID: accountID,
                at: at),
            in: session)
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
