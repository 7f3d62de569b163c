import Crypto
import TelegramAuth

/// Rotating refresh tokens with reuse detection (RFC 9700 §4.14).
///
/// A token is `rt_`, its family's id, a dot, and 256 random bits; it is shown once and stored only as its SHA-256
/// hash, under its family. Family ids sort by creation time, so new families and tokens are appended to the
/// tables' indexes rather than scattered through them, and a token is found by its key. Every use rotates it. Presenting a
/// token that was already rotated revokes its whole family, except the immediately previous token within the
/// grace window, so two tabs refreshing at once both keep working (each gets its own successor in the family).
/// Rotation is one conditional update, so two instances racing on the same token produce one winner; the loser
/// falls under the grace rule.
public struct RefreshTokenService: Sendable {
    /// What a successful rotation yields.
    public struct Rotation: Sendable {
        /// The family the token belongs to.
        public let family: RefreshFamily
        /// The new token, to hand to the client.
        public let token: String
        /// When the new token expires.
        public let expiresAt: Int64
    }

    private let store: any RefreshTokenStore
    private let clock: WallClock
    /// How long a rotated token may still be used once, by a second tab.
    public let graceWindow: Int64

    /// Creates the service.
    public init(store: any RefreshTokenStore, clock: WallClock, graceWindow: Int64 = 30) {
        self.store = store
        self.clock = clock
        self.graceWindow = graceWindow
    }

    /// Starts a family for `userID` at `adapter`: tokens live `ttl` seconds after their issue, the family at most
    /// `absoluteTTL` seconds.
    public func issue(appID: AppID, userID: UserID, adapter: AdapterName, ttl: Int64, absoluteTTL: Int64) async throws
        -> (token: String, expiresAt: Int64)
    {
        let now = clock.now
        let family = RefreshFamily(
            id: SortableID.generate(milliseconds: UInt64(max(now, 0)) * 1000), appID: appID, userID: userID,
            adapter: adapter, createdAt: now, expiresAt: now + max(ttl, absoluteTTL))
        let token = Self.newToken(familyID: family.id)
        let expiresAt = min(now + ttl, family.expiresAt)
        try await store.createFamily(
            family,
            first: RefreshTokenRecord(
                hash: Self.hash(token), familyID: family.id, generation: 0, state: .active, createdAt: now,
                expiresAt: expiresAt))
        return (token, expiresAt)
    }

    /// Why a presented token was refused.
    public enum Refusal: Error, Sendable, Equatable {
        /// Unknown, expired, revoked, or belonging to another app.
        case invalid
        /// A rotated token replayed outside the grace window: the family is now revoked.
        case reused(familyID: String, userID: UserID)
    }

    /// Rotates `presented` for `appID`. `ttl` gives the new token's lifetime for the token's family, or `nil`
    /// when the family may no longer refresh (its adapter is gone).
    public func rotate(_ presented: String, appID: AppID, ttl: (RefreshFamily) -> Int64?) async throws
        -> Result<Rotation, Refusal>
    {
        guard let familyID = Self.familyID(of: presented),
            let (record, family) = try await store.token(familyID: familyID, hash: Self.hash(presented)),
            family.appID == appID, family.revokedAt == nil, let ttl = ttl(family)
        else { return .failure(.invalid) }
        let now = clock.now
        guard record.expiresAt > now, family.expiresAt > now else { return .failure(.invalid) }
        let token = Self.newToken(familyID: family.id)
        let expiresAt = min(now + ttl, family.expiresAt)
        let next = RefreshTokenRecord(
            hash: Self.hash(token), familyID: family.id, generation: record.generation + 1, state: .active,
            createdAt: now, expiresAt: expiresAt)
        if record.state == .active, try await store.rotate(familyID: family.id, hash: record.hash, at: now, next: next) {
            return .success(Rotation(family: family, token: token, expiresAt: expiresAt))
        }
        // Already rotated (earlier, or a moment ago by a concurrent request): only the immediately previous token
        // within the grace window gets a sibling successor; anything else is reuse.
        guard let (current, _) = try await store.token(familyID: family.id, hash: record.hash) else {
            return .failure(.invalid)
        }
        let latest = try await store.latestGeneration(familyID: family.id)
        if let rotatedAt = current.rotatedAt, now - rotatedAt <= graceWindow, current.generation == latest - 1 {
            try await store.insert(next)
            return .success(Rotation(family: family, token: token, expiresAt: expiresAt))
        }
        try await store.revokeFamily(id: family.id, reason: "reuse_detected", at: now)
        return .failure(.reused(familyID: family.id, userID: family.userID))
    }

    /// The stored form of a token.
    static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Array(token.utf8))) }

    /// `rt_<family id>.<43 characters of base64url>`: 256 bits from the CSPRNG after the family's id.
    static func newToken(familyID: String) -> String { "rt_" + familyID + "." + Base64.urlEncode(SecureRandom.bytes(32)) }

    /// The family id inside a well-formed token.
    static func familyID(of token: String) -> String? {
        guard token.utf8.count == 73, token.hasPrefix("rt_") else { return nil }
        let parts = token.dropFirst(3).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, SortableID.isValid(parts[0]), parts[1].utf8.count == 43 else { return nil }
        return String(parts[0])
    }
}
