/// A chain of rotating refresh tokens issued from one exchange.
public struct RefreshFamily: Sendable, Equatable {
    public var id: String
    public var appID: AppID
    public var userID: UserID
    public var adapter: AdapterName
    public var createdAt: Int64
    /// The absolute end of the family, whatever the rotations.
    public var expiresAt: Int64
    /// Set when the family was revoked (reuse detected, user disabled, admin action).
    public var revokedAt: Int64?
    public var revokeReason: String?
    /// What an OpenID Provider client was granted, when the family is such a grant; `nil` for an exchange's family.
    public var grant: ClientGrant?

    /// Creates a family.
    public init(
        id: String, appID: AppID, userID: UserID, adapter: AdapterName, createdAt: Int64, expiresAt: Int64,
        revokedAt: Int64? = nil, revokeReason: String? = nil, grant: ClientGrant? = nil
    ) {
        self.id = id
        self.appID = appID
        self.userID = userID
        self.adapter = adapter
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.revokeReason = revokeReason
        self.grant = grant
    }
}

/// One refresh token; only its SHA-256 hash is stored.
public struct RefreshTokenRecord: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case active
        case rotated
    }

    public var hash: [UInt8]
    public var familyID: String
    /// 0 for the first token, +1 per rotation.
    public var generation: Int
    public var state: State
    public var createdAt: Int64
    public var expiresAt: Int64
    public var rotatedAt: Int64?
    /// Whether the token, once rotated, was presented again within the grace window: that one use is spent.
    public var graceUsed: Bool

    /// Creates a record.
    public init(
        hash: [UInt8], familyID: String, generation: Int, state: State, createdAt: Int64, expiresAt: Int64,
        rotatedAt: Int64? = nil, graceUsed: Bool = false
    ) {
        self.hash = hash
        self.familyID = familyID
        self.generation = generation
        self.state = state
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.rotatedAt = rotatedAt
        self.graceUsed = graceUsed
    }
}

/// Refresh-token families and tokens.
public protocol RefreshTokenStore: Sendable {
    /// In one transaction: stores `family` and `tokens`, unless a family with its id exists (another request stored
    /// it first) or its user does not (erased); then `false` and nothing stored.
    func createFamily(_ family: RefreshFamily, tokens: [RefreshTokenRecord]) async throws -> Bool
    /// The token of family `familyID` with this hash, and its family.
    func token(familyID: String, hash: [UInt8]) async throws -> (token: RefreshTokenRecord, family: RefreshFamily)?
    /// In one transaction: marks `hash` rotated at `at` if it is still active, then stores `next`. `false` (and
    /// nothing stored) when the token was no longer active: a concurrent refresh won.
    func rotate(familyID: String, hash: [UInt8], at: Int64, next: RefreshTokenRecord) async throws -> Bool
    /// In one conditional write: marks the grace of the rotated token `hash` used, if it was rotated at
    /// `rotatedSince` or later and its grace is unused. `true` for the one caller that claimed it, however many
    /// requests, on however many instances, try at once.
    func claimGrace(familyID: String, hash: [UInt8], rotatedSince: Int64) async throws -> Bool
    /// Revokes a family; a family that is already revoked keeps its first time and reason. `true` when this call
    /// revoked it, `false` when it was revoked already or does not exist.
    @discardableResult
    func revokeFamily(id: String, reason: String, at: Int64) async throws -> Bool
    /// Ends every session of a user: revokes each stored family that is not revoked yet and records `at` as the
    /// user's ``UserRecord/sessionsRevokedAt``, which also ends families not stored yet (first tokens never used).
    /// Returns how many stored families it revoked.
    func revokeFamilies(userID: UserID, reason: String, at: Int64) async throws -> Int
    /// Deletes tokens that expired before `time`, and families (with all their tokens) that did; returns how many
    /// tokens it deleted. An expired token can never be accepted again, so this only reclaims space.
    func deleteExpired(before time: Int64) async throws -> Int
    /// The stored family with this id, revoked or not.
    func family(id: String) async throws -> RefreshFamily?
    /// Every stored family of `userID`, newest first.
    func families(userID: UserID) async throws -> [RefreshFamily]
}
