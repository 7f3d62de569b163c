import Crypto
import TelegramAuth

/// Rotating refresh tokens with reuse detection (RFC 9700 §4.14).
///
/// A token is `rt_`, its family's id, a dot, and a secret part. The first token of a family seals the family's
/// facts under a key derived from the master key (``InitialRefreshToken``) and is not stored, so an exchange
/// writes nothing; using it stores the family. Every later token carries 256 random bits and is stored only as its
/// SHA-256 hash, under its family. Family ids sort by creation time, so new families and tokens are appended to
/// the tables' indexes, and a token is found by its key.
///
/// Every use rotates. Presenting a token that was already rotated revokes its whole family, except the immediately
/// previous token within the grace window, so two tabs refreshing at once both keep working (each gets its own
/// successor in the family). Rotation is one conditional write (storing the family, or marking the token rotated),
/// so two instances racing on the same token produce one winner; the loser falls under the grace rule.
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

    /// Why a presented token was refused.
    public enum Refusal: Error, Sendable, Equatable {
        /// Unknown, expired, revoked, or belonging to another app.
        case invalid
        /// A rotated token replayed outside the grace window: the family is now revoked.
        case reused(familyID: String, userID: UserID)
    }

    private let store: any RefreshTokenStore
    private let clock: WallClock
    private let sealingKey: SymmetricKey
    /// How long a rotated token may still be used once, by a second tab.
    public let graceWindow: Int64

    /// Creates the service; `sealingKey` seals first tokens (derive it from the master key).
    public init(store: any RefreshTokenStore, clock: WallClock, sealingKey: SymmetricKey, graceWindow: Int64 = 30) {
        self.store = store
        self.clock = clock
        self.sealingKey = sealingKey
        self.graceWindow = graceWindow
    }

    /// The first token of a new family for `userID` at `adapter`: tokens live `ttl` seconds after their issue, the
    /// family at most `absoluteTTL` seconds. Stores nothing.
    public func issue(appID: AppID, userID: UserID, adapter: AdapterName, ttl: Int64, absoluteTTL: Int64) throws
        -> (token: String, expiresAt: Int64)
    {
        let now = clock.now
        let familyExpiresAt = now + max(ttl, absoluteTTL)
        let first = InitialRefreshToken(
            familyID: SortableID.generate(milliseconds: UInt64(max(now, 0)) * 1000), userID: userID, adapter: adapter,
            createdAt: now, familyExpiresAt: familyExpiresAt, expiresAt: min(now + ttl, familyExpiresAt))
        return ("rt_\(first.familyID).\(try first.seal(appID: appID, key: sealingKey))", first.expiresAt)
    }

    /// Rotates `presented` for `appID`. `ttl` gives the new token's lifetime for the token's family, or `nil`
    /// when the family may no longer refresh (its adapter is gone).
    public func rotate(_ presented: String, appID: AppID, ttl: (RefreshFamily) -> Int64?) async throws
        -> Result<Rotation, Refusal>
    {
        guard let (familyID, secret) = Self.parts(of: presented) else { return .failure(.invalid) }
        let hash = Self.hash(presented)
        let stored = try await store.token(familyID: familyID, hash: hash)
        let record: RefreshTokenRecord
        let family: RefreshFamily
        if let stored {
            (record, family) = stored
        } else if secret.utf8.count != Self.randomPartLength,
            let first = InitialRefreshToken.open(secret, familyID: familyID, appID: appID, key: sealingKey)
        {
            // A first token not seen before: the family exists only inside it (or, if it was stored since, storing
            // it again below fails and the grace rule decides).
            family = RefreshFamily(
                id: familyID, appID: appID, userID: first.userID, adapter: first.adapter, createdAt: first.createdAt,
                expiresAt: first.familyExpiresAt)
            record = RefreshTokenRecord(
                hash: hash, familyID: familyID, generation: 0, state: .active, createdAt: first.createdAt,
                expiresAt: first.expiresAt)
        } else {
            return .failure(.invalid)
        }
        guard family.appID == appID, family.revokedAt == nil, let ttl = ttl(family) else { return .failure(.invalid) }
        let now = clock.now
        guard record.expiresAt > now, family.expiresAt > now else { return .failure(.invalid) }
        let token = Self.newToken(familyID: family.id)
        let expiresAt = min(now + ttl, family.expiresAt)
        let next = RefreshTokenRecord(
            hash: Self.hash(token), familyID: family.id, generation: record.generation + 1, state: .active,
            createdAt: now, expiresAt: expiresAt)
        if record.state == .active {
            var spent = record
            spent.state = .rotated
            spent.rotatedAt = now
            let won =
                stored == nil
                ? try await store.createFamily(family, tokens: [spent, next])
                : try await store.rotate(familyID: family.id, hash: record.hash, at: now, next: next)
            if won { return .success(Rotation(family: family, token: token, expiresAt: expiresAt)) }
        }
        // Already rotated (earlier, or a moment ago by a concurrent request): only the immediately previous token
        // within the grace window gets a sibling successor; anything else is reuse.
        guard let (current, currentFamily) = try await store.token(familyID: family.id, hash: record.hash),
            currentFamily.revokedAt == nil
        else { return .failure(.invalid) }
        let latest = try await store.latestGeneration(familyID: family.id)
        if let rotatedAt = current.rotatedAt, now - rotatedAt <= graceWindow, current.generation == latest - 1 {
            try await store.insert(next)
            return .success(Rotation(family: currentFamily, token: token, expiresAt: expiresAt))
        }
        try await store.revokeFamily(id: family.id, reason: "reuse_detected", at: now)
        return .failure(.reused(familyID: family.id, userID: family.userID))
    }

    /// The stored form of a token.
    static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Array(token.utf8))) }

    /// Characters in the random part of a rotated token: 256 bits in base64url.
    static let randomPartLength = 43

    /// `rt_<family id>.<43 characters of base64url>`: 256 bits from the CSPRNG after the family's id.
    static func newToken(familyID: String) -> String { "rt_" + familyID + "." + Base64.urlEncode(SecureRandom.bytes(32)) }

    /// The family id and the secret part of a well-formed token.
    static func parts(of token: String) -> (familyID: String, secret: Substring)? {
        guard token.utf8.count <= 512, token.hasPrefix("rt_") else { return nil }
        let parts = token.dropFirst(3).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, SortableID.isValid(parts[0]), parts[1].utf8.count >= randomPartLength else { return nil }
        return (String(parts[0]), parts[1])
    }
}
