import TelegramAuth

/// A browser's session at an app's OpenID Provider: who signed in there, how and when. The cookie holds a random id;
/// only its SHA-256 is stored, and base64url of that hash is the session's public id (the ID token's `sid`).
public struct BrowserSession: Sendable, Equatable {
    /// SHA-256 of the cookie's random id.
    public var hash: [UInt8]
    public var appID: AppID
    public var userID: UserID
    /// The proof that started the session and when (`auth_time`).
    public var login: UserLogin
    /// Unix seconds.
    public var createdAt: Int64
    /// When the session was last used, written at most once per ``BrowserSession/lastSeenInterval``.
    public var lastSeenAt: Int64
    /// The absolute end of the session, Unix seconds.
    public var expiresAt: Int64
    public var revokedAt: Int64?

    /// How stale a recorded `lastSeenAt` may become before a use writes it again (seconds): warm authorizations stay
    /// write-light.
    public static let lastSeenInterval: Int64 = 3600

    /// Creates a session record.
    public init(
        hash: [UInt8], appID: AppID, userID: UserID, login: UserLogin, createdAt: Int64, lastSeenAt: Int64,
        expiresAt: Int64, revokedAt: Int64? = nil
    ) {
        self.hash = hash
        self.appID = appID
        self.userID = userID
        self.login = login
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// The session's public id: base64url of its hash.
    public var id: String { Base64.urlEncode(hash) }

    /// Whether the session may still be used at `now` with `idleTimeout` seconds of allowed idleness.
    public func isLive(at now: Int64, idleTimeout: Int64) -> Bool {
        revokedAt == nil && now < expiresAt && now - lastSeenAt < idleTimeout
    }
}

/// The browser sessions of the apps' OpenID Providers.
public protocol BrowserSessionStore: Sendable {
    /// Stores a new session.
    func create(_ session: BrowserSession) async throws
    /// The session of `appID` with this hash, live or not.
    func session(appID: AppID, hash: [UInt8]) async throws -> BrowserSession?
    /// Records a use of the session at `at`.
    func touch(appID: AppID, hash: [UInt8], at: Int64) async throws
    /// Ends the session; `false` when it was unknown or already ended.
    @discardableResult
    func revoke(appID: AppID, hash: [UInt8], at: Int64) async throws -> Bool
    /// Deletes the sessions whose absolute lifetime ended before `cutoff`; returns how many.
    func deleteExpired(before cutoff: Int64) async throws -> Int
}
