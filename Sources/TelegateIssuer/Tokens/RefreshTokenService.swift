import Crypto
import TelegateCore
import TelegramAuth

/// Rotating refresh tokens with reuse detection (RFC 9700 §4.14).
///
/// A token is `rt_`, its family's id, a dot, and a secret part. The first token of a family seals the family's
/// facts under a key derived from the master key (``InitialRefreshToken``) and is not stored, so an exchange
/// writes nothing; using it stores the family. Every later token is the successor of the token it replaces:
/// HMAC-SHA256 of that token under another key derived from the master key (256 bits nobody else can compute),
/// stored only as its SHA-256 hash, under its family. Family ids sort by creation time, so new families and tokens
/// are appended to the tables' indexes, and a token is found by its key.
///
/// Every use rotates, with one conditional write (storing the family, or marking the token rotated), so however
/// many requests present a token at once, on however many instances, one wins. A rotated token may be presented
/// once more within the grace window after its rotation, so that two tabs refreshing at once both keep working:
/// that use claims the token's grace with another conditional write and is answered with the same successor,
/// derived again (no token is stored in clear). Any other use of a rotated token (a third, one after the window,
/// one whose successor was rotated since) revokes the family. A token therefore never has two live successors.
/// The window is measured between the stored rotation time and now, both read from the database-corrected clock
/// (``DatabaseClock``), so instances whose own clocks disagree still agree on it.
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
        /// A rotated token used once too often: this use revoked the family.
        case reused(familyID: String, userID: UserID)
    }

    private let store: any RefreshTokenStore
    private let clock: WallClock
    private let sealingKey: SymmetricKey
    private let successorKey: SymmetricKey
    /// How long after its rotation a token may be used once more, by a second tab, in seconds.
    public let graceWindow: Int64

    /// Creates the service; its keys are derived from `secretBox`'s master key.
    public init(store: any RefreshTokenStore, clock: WallClock, secretBox: SecretBox, graceWindow: Int64) {
        self.store = store
        self.clock = clock
        self.sealingKey = secretBox.derivedKey(purpose: "refresh-token v1")
        self.successorKey = secretBox.derivedKey(purpose: "refresh-token successor v1")
        self.graceWindow = graceWindow
    }

    /// The first token of a new family for `userID` at `adapter`: tokens live `ttl` seconds after their issue, the
    /// family at most `absoluteTTL` seconds. Stores nothing.
    public func issue(appID: AppID, userID: UserID, adapter: AdapterName, ttl: Int64, absoluteTTL: Int64) throws
        -> (token: String, expiresAt: Int64)
    {
        let now = clock.now
        let familyExpiresAt = now + max(ttl, absoluteTTL)
        let family = RefreshFamily(
            id: SortableID.generate(milliseconds: UInt64(max(now, 0)) * 1000), appID: appID, userID: userID,
            adapter: adapter, createdAt: now, expiresAt: familyExpiresAt)
        let first = InitialRefreshToken(family: family, expiresAt: min(now + ttl, familyExpiresAt))
        return ("rt_\(family.id).\(try first.seal(key: sealingKey))", first.expiresAt)
    }

    /// Stores a new OpenID Provider grant of `userID`: a family that lives `lifetime` seconds, with a first refresh
    /// token living `refreshTTL` seconds when one is given. Unlike an exchange's, the family is stored at once,
    /// because access tokens name it and are checked against it. `nil` when the user no longer exists.
    public func issueGrant(appID: AppID, userID: UserID, grant: ClientGrant, lifetime: Int64, refreshTTL: Int64?)
        async throws -> (family: RefreshFamily, refresh: (token: String, expiresAt: Int64)?)?
    {
        let now = clock.now
        let family = RefreshFamily(
            id: SortableID.generate(milliseconds: UInt64(max(now, 0)) * 1000), appID: appID, userID: userID,
            adapter: .openIDProvider, createdAt: now, expiresAt: now + lifetime, grant: grant)
        var first: (token: String, expiresAt: Int64)?
        var records: [RefreshTokenRecord] = []
        if let refreshTTL {
            // A random secret of a successor's length: the token is found by its stored hash like any successor.
            let token = "rt_\(family.id).\(Base64.urlEncode(SecureRandom.bytes(32)))"
            let expiresAt = min(now + refreshTTL, family.expiresAt)
            records.append(
                RefreshTokenRecord(
                    hash: Self.hash(token), familyID: family.id, generation: 0, state: .active, createdAt: now,
                    expiresAt: expiresAt))
            first = (token, expiresAt)
        }
        guard try await store.createFamily(family, tokens: records) else { return nil }
        return (family, first)
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
        } else if secret.utf8.count != Self.successorSecretLength,
            let first = InitialRefreshToken.open(secret, familyID: familyID, appID: appID, key: sealingKey)
        {
            // A first token not seen before: the family exists only inside it (or, if it was stored since, storing
            // it again below fails and the token is a rotated one).
            family = first.family
            record = RefreshTokenRecord(
                hash: hash, familyID: familyID, generation: 0, state: .active, createdAt: family.createdAt,
                expiresAt: first.expiresAt)
        } else {
            return .failure(.invalid)
        }
        guard family.appID == appID, family.revokedAt == nil, let ttl = ttl(family) else { return .failure(.invalid) }
        let now = clock.now
        guard record.expiresAt > now, family.expiresAt > now else { return .failure(.invalid) }
        let successor = self.successor(of: presented, familyID: family.id)
        let successorHash = Self.hash(successor)
        if record.state == .active {
            let expiresAt = min(now + ttl, family.expiresAt)
            let next = RefreshTokenRecord(
                hash: successorHash, familyID: family.id, generation: record.generation + 1, state: .active,
                createdAt: now, expiresAt: expiresAt)
            var spent = record
            spent.state = .rotated
            spent.rotatedAt = now
            let won =
                stored == nil
                ? try await store.createFamily(family, tokens: [spent, next])
                : try await store.rotate(familyID: family.id, hash: record.hash, at: now, next: next)
            if won { return .success(Rotation(family: family, token: successor, expiresAt: expiresAt)) }
        }
        // Rotated already, earlier or a moment ago by a concurrent request: the one use left within the grace window
        // gets the successor the rotation stored, as long as nothing has replaced that successor yet.
        if try await store.claimGrace(familyID: family.id, hash: hash, rotatedSince: now - graceWindow) {
            guard let (next, current) = try await store.token(familyID: family.id, hash: successorHash),
                current.revokedAt == nil
            else { return .failure(.invalid) }
            if next.state == .active, next.expiresAt > now {
                return .success(Rotation(family: current, token: successor, expiresAt: next.expiresAt))
            }
        }
        // Concurrent reuses all end here; only the one whose write revoked the family reports it.
        guard try await store.revokeFamily(id: family.id, reason: "reuse_detected", at: now) else {
            return .failure(.invalid)
        }
        return .failure(.reused(familyID: family.id, userID: family.userID))
    }

    /// Revokes the exchange family `presented` (any token of it, first or later, rotated or not) belongs to, the
    /// token itself being the proof (RFC 7009 §2.1 for public clients): a family only ever stored inside its unused
    /// first token is stored now, revoked. Returns the family when this call revoked it; `nil` for a token that is
    /// unknown, of another app, of an OpenID Provider grant, or whose family had ended already.
    public func revoke(_ presented: String, appID: AppID, reason: String) async throws -> RefreshFamily? {
        guard let (familyID, secret) = Self.parts(of: presented) else { return nil }
        var family = try await stored(presented, appID: appID)?.family
        if family == nil, secret.utf8.count != Self.successorSecretLength,
            let first = InitialRefreshToken.open(secret, familyID: familyID, appID: appID, key: sealingKey)
        {
            // Stored with no token: the first token then finds its family taken and is refused like any spent one.
            // A family stored meanwhile (its first token used since) is the one the sealed, authentic id names.
            let created = try await store.createFamily(first.family, tokens: [])
            family = created ? first.family : try await store.family(id: familyID)
        }
        guard let family, family.appID == appID, family.grant == nil,
            try await store.revokeFamily(id: family.id, reason: reason, at: clock.now)
        else { return nil }
        return family
    }

    /// The stored token `presented` of `appID`, whatever its state, and its family; `nil` for anything else
    /// (including a first token of an exchange's family that was never used, which nothing stores).
    public func stored(_ presented: String, appID: AppID) async throws -> (token: RefreshTokenRecord, family: RefreshFamily)? {
        guard let (familyID, _) = Self.parts(of: presented),
            let found = try await store.token(familyID: familyID, hash: Self.hash(presented)), found.family.appID == appID
        else { return nil }
        return found
    }

    /// The stored form of a token.
    static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Array(token.utf8))) }

    /// Characters in the secret part of a successor: 256 bits in base64url. A first token's sealed part is longer.
    static let successorSecretLength = 43

    /// `rt_<family id>.<43 characters of base64url>`: the HMAC of the token it replaces, so the same token always
    /// has the same successor.
    func successor(of token: String, familyID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(token.utf8), using: successorKey)
        return "rt_" + familyID + "." + Base64.urlEncode(Array(mac))
    }

    /// The family id and the secret part of a well-formed token.
    static func parts(of token: String) -> (familyID: String, secret: Substring)? {
        guard token.utf8.count <= 512, token.hasPrefix("rt_") else { return nil }
        let parts = token.dropFirst(3).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, SortableID.isValid(parts[0]), parts[1].utf8.count >= successorSecretLength else {
            return nil
        }
        return (String(parts[0]), parts[1])
    }
}
