import TelegramAuth

/// Maps a verified Telegram identity to the app's local user: exactly one per (app, Telegram user), created on
/// first sight, its profile refreshed from the newest proof only when it changed.
///
/// A warm login costs one read and no write. Creation relies on the store's unique index, so concurrent first
/// logins, in one process or several, end with one user; the losers read the winner's row.
public struct IdentityResolver: Sendable {
    private let users: any UserStore
    private let audit: AuditLog
    private let clock: WallClock
    private let faults: FaultInjector

    /// Creates a resolver; `faults` lets tests crash around the first login's user insert.
    public init(users: any UserStore, audit: AuditLog, clock: WallClock, faults: FaultInjector = FaultInjector()) {
        self.users = users
        self.audit = audit
        self.clock = clock
        self.faults = faults
    }

    /// The subject for `identity` in `appID`.
    public func resolve(appID: AppID, identity: TelegramIdentity, botID: Int64, requestID: String?) async throws
        -> Subject
    {
        let profile = UserProfile(identity.user)
        if let existing = try await users.user(appID: appID, telegramID: identity.user.id) {
            return Subject(user: try await refreshed(existing, profile, identity), created: false, identity: identity, botID: botID)
        }
        let now = clock.now
        let candidate = UserRecord(
            id: UserID.generate(milliseconds: UInt64(max(now, 0)) * 1000), appID: appID, telegramID: identity.user.id,
            status: .active, profile: profile, profileAuthDate: identity.authDate, createdAt: now, updatedAt: now)
        try faults.reach(.beforeCommit)
        let (stored, inserted) = try await users.insertIfAbsent(candidate)
        try faults.reach(.afterCommitBeforeProvider)
        if inserted {
            await audit.record(
                "user.created", appID: appID, actor: "user:\(stored.id)", target: "user:\(stored.id)",
                details: [("proof", .string(identity.proof.rawValue)), ("botId", .integer(botID))], requestID: requestID)
            return Subject(user: stored, created: true, identity: identity, botID: botID)
        }
        return Subject(user: try await refreshed(stored, profile, identity), created: false, identity: identity, botID: botID)
    }

    private func refreshed(_ user: UserRecord, _ profile: UserProfile, _ identity: TelegramIdentity) async throws
        -> UserRecord
    {
        guard user.status == .active else {
            throw TelegateError(.userDisabled, status: 403, "this user has been disabled")
        }
        guard user.profile != profile, identity.authDate >= user.profileAuthDate else { return user }
        let now = clock.now
        try await users.updateProfile(id: user.id, profile: profile, authDate: identity.authDate, at: now)
        var updated = user
        updated.profile = profile
        updated.profileAuthDate = identity.authDate
        updated.updatedAt = now
        return updated
    }
}
