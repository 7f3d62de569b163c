/// Local users.
public protocol UserStore: Sendable {
    /// The user of Telegram user `telegramID` in `appID`.
    func user(appID: AppID, telegramID: Int64) async throws -> UserRecord?
    /// The user with id `id`.
    func user(id: UserID) async throws -> UserRecord?
    /// Inserts `user` unless the app already has a user for its Telegram id (a unique index decides, also across
    /// processes), appending `user.created` and `audit` (when given) in the same transaction, so the creation, its
    /// event and its audit record commit together; returns the stored row and whether this call inserted it.
    func insertIfAbsent(_ user: UserRecord, audit: AuditEvent?) async throws -> (user: UserRecord, inserted: Bool)
    /// Records `login` unless a later one is recorded; with `profile`, also replaces the profile and its auth date
    /// and sets `updatedAt` to the login's time, unless the stored profile comes from a newer proof (a proof with the
    /// same auth date replaces it). A profile that changed appends `user.updated` (the changed fields and the new
    /// profile). One transaction; does nothing for an unknown id.
    func recordLogin(id: UserID, _ login: UserLogin, profile: (profile: UserProfile, authDate: Int64)?) async throws
    /// Enables or disables a user, setting `updatedAt` to `at`, and appends `user.disabled`/`user.enabled` in the same
    /// transaction; `false` (and nothing written) when the user already has `status` or the id is unknown.
    func setStatus(id: UserID, status: UserStatus, at: Int64) async throws -> Bool
    /// A page of `appID`'s users, newest first (by creation time, then id): all of them, or those whose username is
    /// `username` (without `@`, compared case-insensitively); only those after `cursor`, at most `limit`.
    func users(appID: AppID, username: String?, after cursor: UserCursor?, limit: Int) async throws -> [UserRecord]
    /// Erases a user and everything that hangs off it (provider links, refresh-token families and their tokens);
    /// `user.erased`, stamped `at`, is appended in the same transaction. `false` for an unknown id.
    func delete(id: UserID, at: Int64) async throws -> Bool
}

extension UserStore {
    /// ``insertIfAbsent(_:audit:)`` without an audit record.
    public func insertIfAbsent(_ user: UserRecord) async throws -> (user: UserRecord, inserted: Bool) {
        try await insertIfAbsent(user, audit: nil)
    }
}
