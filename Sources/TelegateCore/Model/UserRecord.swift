import TelegramAuth

/// The profile Telegate keeps for a user, refreshed field by field from newer proofs (``UserProfile/updated(by:proof:)``).
public struct UserProfile: Sendable, Equatable {
    public var firstName: String
    public var lastName: String?
    public var username: String?
    public var photoURL: String?
    public var languageCode: String?
    public var isPremium: Bool
    /// Whether the user allowed the bot to message them, as the last Mini App `initData` said.
    public var allowsWriteToPM: Bool

    /// Creates a profile.
    public init(
        firstName: String, lastName: String? = nil, username: String? = nil, photoURL: String? = nil,
        languageCode: String? = nil, isPremium: Bool = false, allowsWriteToPM: Bool = false
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.username = username
        self.photoURL = photoURL
        self.languageCode = languageCode
        self.isPremium = isPremium
        self.allowsWriteToPM = allowsWriteToPM
    }

    /// The profile of a user's first proof of kind `proof`: what it says, and nothing for what it does not carry.
    public init(_ user: TelegramUser, proof: TelegramIdentity.Proof) {
        self = UserProfile(firstName: "").updated(by: user, proof: proof)
    }

    /// `first last`, trimmed.
    public var displayName: String {
        [firstName, lastName ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// Whether a user may sign in.
public enum UserStatus: String, Sendable, Equatable {
    case active
    /// Disabled by an admin: exchanges answer `403 user_disabled`, refresh tokens stop working.
    case disabled
}

/// A local user: one per (app, Telegram user).
public struct UserRecord: Sendable, Equatable {
    public var id: UserID
    public var appID: AppID
    public var telegramID: Int64
    public var status: UserStatus
    public var profile: UserProfile
    /// The `auth_date` of the proof the profile was taken from.
    public var profileAuthDate: Int64
    /// Unix seconds.
    public var createdAt: Int64
    /// When the profile or the status last changed (a login alone does not change it).
    public var updatedAt: Int64
    /// When all of the user's sessions were last ended: refresh-token families created at or before this time no
    /// longer refresh.
    public var sessionsRevokedAt: Int64?
    /// The last recorded login: when (to within ``IdentityResolver/loginRecordInterval``) and with which kind of
    /// proof. `nil` for users who have not signed in since Telegate started recording logins.
    public var lastLogin: UserLogin?

    /// Creates a record.
    public init(
        id: UserID, appID: AppID, telegramID: Int64, status: UserStatus, profile: UserProfile, profileAuthDate: Int64,
        createdAt: Int64, updatedAt: Int64, sessionsRevokedAt: Int64? = nil, lastLogin: UserLogin? = nil
    ) {
        self.id = id
        self.appID = appID
        self.telegramID = telegramID
        self.status = status
        self.profile = profile
        self.profileAuthDate = profileAuthDate
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.sessionsRevokedAt = sessionsRevokedAt
        self.lastLogin = lastLogin
    }

    /// Whether a refresh-token family created at `createdAt` may still refresh for this user.
    public func mayRefresh(familyCreatedAt createdAt: Int64) -> Bool {
        status == .active && sessionsRevokedAt.map { createdAt > $0 } ?? true
    }
}

/// A login as recorded on the user: when, with which kind of proof, and through which bot.
public struct UserLogin: Sendable, Equatable {
    /// Unix seconds.
    public var at: Int64
    /// The kind of proof the user signed in with.
    public var proof: TelegramIdentity.Proof
    /// The bot whose proof it was, when known: the bot that sends the user's messages.
    public var botID: Int64?

    /// Creates a login.
    public init(at: Int64, proof: TelegramIdentity.Proof, botID: Int64? = nil) {
        self.at = at
        self.proof = proof
        self.botID = botID
    }
}
