import Crypto
import TelegramAuth

/// Rotating refresh tokens with reuse detection (RFC 9700 §4.14).
///
/// A token is 256 random bits, shown once and stored only as its SHA-256 hash. Every use rotates it. Presenting a
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
            id: Self.randomText(bytes: 16), appID: appID, userID: userID, adapter: adapter, createdAt: now,
            expiresAt: now + max(ttl, absoluteTTL))
        let token = Self.newToken()
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
        guard Self.isWellFormed(presented), let (record, family) = try await store.token(hash: Self.hash(presented)),
            family.appID == appID, family.revokedAt == nil, let ttl = ttl(family)
        else { return .failure(.invalid) }
        let now = clock.now
        guard record.expiresAt > now, family.expiresAt > now else { return .failure(.invalid) }
        let token = Self.newToken()
        let expiresAt = min(now + ttl, family.expiresAt)
        let next = RefreshTokenRecord(
            hash: Self.hash(token), familyID: family.id, generation: record.generation + 1, state: .active,
            createdAt: now, expiresAt: expiresAt)
        if record.state == .active, try await store.rotate(hash: record.hash, at: now, next: next) {
            return .success(Rotation(family: family, token: token, expiresAt: expiresAt))
        }
        // Already rotated (earlier, or a moment ago by a concurrent request): only the immediately previous token
        // within the grace window gets a sibling successor; anything else is reuse.
        guard let (current, _) = try await store.token(hash: record.hash) else { return .failure(.invalid) }
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

    /// `rt_` and 43 characters of base64url: 256 bits from the system's CSPRNG.
    static func newToken() -> String { "rt_" + randomText(bytes: 32) }

    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 46 && token.hasPrefix("rt_")
    }

    static func randomText(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64.urlEncode((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
