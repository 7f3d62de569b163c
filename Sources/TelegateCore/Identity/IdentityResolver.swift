import TelegramAuth

/// Maps a verified Telegram identity to the app's local user: exactly one per (app, Telegram user), created on
/// first sight, its profile updated field by field (``UserProfile/updated(by:proof:)``) from proofs newer than the
/// stored one, and its last login recorded.
///
/// A warm login costs one read and no write: the profile is written only when a field changed, and the login only
/// when it is the first recorded, uses another kind of proof than the recorded one, or comes at least
/// ``loginRecordInterval`` after it. Creation relies on the store's unique index, so concurrent first logins, in one
/// process or several, end with one user; the losers read the winner's row. The creation's audit record (`user.created`,
/// with the proof and bot) is written in the creation's transaction.
public struct IdentityResolver: Sendable {
    /// How stale a recorded `lastLoginAt` may become before a login writes it again (seconds): a user who signs in
    /// every minute costs four writes an hour, not sixty.
    public static let loginRecordInterval: Int64 = 15 * 60

    private let users: any UserStore
    private let clock: WallClock
    private let faults: FaultInjector

    /// Creates a resolver; `faults` lets tests crash around the first login's user insert.
    public init(users: any UserStore, clock: WallClock, faults: FaultInjector = FaultInjector()) {
        self.users = users
        self.clock = clock
        self.faults = faults
    }

    /// The subject for `identity` in `appID`.
    public func resolve(appID: AppID, identity: TelegramIdentity, botID: Int64, requestID: String?) async throws
        -> Subject
    {
        let now = clock.now
        let login = UserLogin(at: now, proof: identity.proof, botID: botID)
        if let existing = try await users.user(appID: appID, telegramID: identity.user.id) {
            return Subject(user: try await refreshed(existing, identity, login), created: false, identity: identity, botID: botID)
        }
        let candidate = UserRecord(
            id: UserID.generate(milliseconds: UInt64(max(now, 0)) * 1000), appID: appID, telegramID: identity.user.id,
            status: .active, profile: UserProfile(identity.user, proof: identity.proof), profileAuthDate: identity.authDate,
            createdAt: now, updatedAt: now, lastLogin: login)
        let audit = AuditEvent(
            at: now, appID: appID, actor: "user:\(candidate.id)", action: "user.created", target: "user:\(candidate.id)",
            details: .object([("proof", .string(identity.proof.rawValue)), ("botId", .integer(botID))]), requestID: requestID)
        try faults.reach(.beforeCommit)
        let (stored, inserted) = try await users.insertIfAbsent(candidate, audit: audit)
        try faults.reach(.afterCommitBeforeProvider)
        if inserted {
            return Subject(user: stored, created: true, identity: identity, botID: botID)
        }
        return Subject(user: try await refreshed(stored, identity, login), created: false, identity: identity, botID: botID)
    }

    /// Whether `login` is worth a write after `recorded`.
    static func isWorthRecording(_ login: UserLogin, after recorded: UserLogin?) -> Bool {
        guard let recorded else { return true }
        return login.proof != recorded.proof || login.at - recorded.at >= loginRecordInterval
    }

    private func refreshed(_ user: UserRecord, _ identity: TelegramIdentity, _ login: UserLogin) async throws
        -> UserRecord
    {
        guard user.status == .active else {
            throw TelegateError(.userDisabled, "this user has been disabled")
        }
        var changedProfile: (profile: UserProfile, authDate: Int64)?
        if identity.authDate >= user.profileAuthDate {
            let profile = user.profile.updated(by: identity.user, proof: identity.proof)
            if profile != user.profile { changedProfile = (profile, identity.authDate) }
        }
        guard changedProfile != nil || Self.isWorthRecording(login, after: user.lastLogin) else { return user }
        try await users.recordLogin(id: user.id, login, profile: changedProfile)
        var updated = user
        if let changedProfile {
            updated.profile = changedProfile.profile
            updated.profileAuthDate = changedProfile.authDate
            updated.updatedAt = login.at
        }
        updated.lastLogin = login
        return updated
    }
}
