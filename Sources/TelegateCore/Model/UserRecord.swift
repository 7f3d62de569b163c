import TelegramAuth

/// The profile Telegate keeps for a user, refreshed from the newest proof when it changes.
public struct UserProfile: Sendable, Equatable {
    public var firstName: String
    public var lastName: String?
    public var username: String?
    public var photoURL: String?
    public var languageCode: String?
    public var isPremium: Bool

    /// Creates a profile.
    public init(
        firstName: String, lastName: String? = nil, username: String? = nil, photoURL: String? = nil,
        languageCode: String? = nil, isPremium: Bool = false
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.username = username
        self.photoURL = photoURL
        self.languageCode = languageCode
        self.isPremium = isPremium
    }

    /// The profile a proof describes.
    public init(_ user: TelegramUser) {
        self.init(
            firstName: user.firstName, lastName: user.lastName, username: user.username, photoURL: user.photoURL,
            languageCode: user.languageCode, isPremium: user.isPremium)
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
    public var updatedAt: Int64
    /// When all of the user's sessions were last ended: refresh-token families created at or before this time no
    /// longer refresh.
    public var sessionsRevokedAt: Int64?

    /// Creates a record.
    public init(
        id: UserID, appID: AppID, telegramID: Int64, status: UserStatus, profile: UserProfile, profileAuthDate: Int64,
        createdAt: Int64, updatedAt: Int64, sessionsRevokedAt: Int64? = nil
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
    }

    /// Whether a refresh-token family created at `createdAt` may still refresh for this user.
    public func mayRefresh(familyCreatedAt createdAt: Int64) -> Bool {
        status == .active && sessionsRevokedAt.map { createdAt > $0 } ?? true
    }
}
