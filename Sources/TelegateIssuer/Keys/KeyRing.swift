import StrictJSON
import Synchronization
import TelegateCore
import TelegramAuth

/// The signing keys of one app's built-in issuer.
///
/// Every key is published before it signs: keys are created in pairs (an active key and its successor in state
/// `next`), and rotation promotes the successor, which verifiers have been able to fetch since the previous
/// rotation, then publishes a new successor. Retired keys stay in the JWKS until every token they signed has
/// expired. Instances sharing a database reload the ring at least every ``refreshInterval``, and a key any
/// instance may still sign with is always in the JWKS: the old active key is retired, not removed.
public actor KeyRing {
    public let appID: AppID
    private let store: any SigningKeyStore
    private let box: SecretBox
    private let clock: WallClock
    /// How often the ring is re-read from the database.
    public let refreshInterval: Int64

    private var signers: [SigningAlgorithm: TokenSigner] = [:]
    private var published: [StoredSigningKey] = []
    private var jwksCache: JSONValue = .object([("keys", .array([]))])
    /// The published keys by kid, for checking tokens the ring signed.
    private var verificationKeys: [String: VerificationKey] = [:]
    private var loadedAt: Int64?
    /// The reload under way, which concurrent callers join.
    private var reloading: Task<Void, any Error>?
    /// The active signers and when they were loaded, readable without entering the actor: signing is on every
    /// exchange's path.
    private nonisolated let snapshot = Mutex<(signers: [SigningAlgorithm: TokenSigner], loadedAt: Int64)?>(nil)

    /// Creates a ring; keys are loaded on first use.
    public init(appID: AppID, store: any SigningKeyStore, box: SecretBox, clock: WallClock, refreshInterval: Int64 = 30) {
        self.appID = appID
        self.store = store
        self.box = box
        self.clock = clock
        self.refreshInterval = refreshInterval
    }

    /// The signer of the active key for `algorithm`, creating the first key pair if there is none.
    public nonisolated func signer(for algorithm: SigningAlgorithm) async throws -> TokenSigner {
        let now = clock.now
        if let fresh = snapshot.withLock({ $0 }), now - fresh.loadedAt < refreshInterval,
            let signer = fresh.signers[algorithm]
        {
            return signer
        }
        return try await loadSigner(for: algorithm)
    }

    private func loadSigner(for algorithm: SigningAlgorithm) async throws -> TokenSigner {
        try await reloadIfStale()
        if let signer = signers[algorithm] { return signer }
        try await ensure([algorithm])
        guard let signer = signers[algorithm] else { throw TelegateError.internalError() }
        return signer
    }

    /// Makes sure each algorithm has an active key and a published successor.
    public func ensure(_ algorithms: Set<SigningAlgorithm>) async throws {
        try await reloadIfStale()
        var created = false
        for algorithm in algorithms.sorted(by: { $0.rawValue < $1.rawValue }) where signers[algorithm] == nil {
            let now = clock.now
            let active = try makeKey(algorithm, state: .active, at: now)
            let next = try makeKey(algorithm, state: .next, at: now)
            _ = try await store.insertInitial(active: active, next: next)
            created = true
        }
        if created { try await reload() }
    }

    /// The public JWK set: next, active and unexpired retired keys, public members only.
    public func jwks() async throws -> JSONValue {
        try await reloadIfStale()
        return jwksCache
    }

    /// The public keys with their states, for admins.
    public func keys() async throws -> [StoredSigningKey] {
        try await reload()
        return published
    }

    /// Rotates every algorithm in use (or only `algorithm`): the successor starts signing, the old key retires
    /// and stays published for `retiredKeyLifetime` seconds, a new successor is published. Returns the new
    /// active kids.
    @discardableResult
    public func rotate(_ algorithm: SigningAlgorithm? = nil, retiredKeyLifetime: Int64) async throws -> [String] {
        try await reload()
        var rotated: [String] = []
        let targets = algorithm.map { [$0] } ?? signers.keys.sorted { $0.rawValue < $1.rawValue }
        for target in targets {
            guard let active = published.first(where: { $0.algorithm == target && $0.state == .active }),
                let next = published.first(where: { $0.algorithm == target && $0.state == .next })
            else {
                try await ensure([target])
                continue
            }
            let now = clock.now
            let newNext = try makeKey(target, state: .next, at: now)
            if try await store.rotate(
                appID: appID, algorithm: target, activeKid: active.kid, retiredExpiresAt: now + retiredKeyLifetime,
                newNext: newNext)
            {
                rotated.append(next.kid)
            }
        }
        try await reload()
        return rotated
    }

    /// Ends the publication of the retired key `kid` now, before its tokens have expired (a key that may have
    /// leaked): it leaves this instance's JWKS at once, tokens it signed stop verifying, and instances sharing the
    /// database drop it at their next reload, within ``refreshInterval``. Returns the key, its publication ending now.
    ///
    /// - Throws: `signing_key_not_found` for a kid the app does not publish; `signing_key_in_use` for the active
    ///   key or its successor (rotate first).
    @discardableResult
    public func retire(_ kid: String) async throws -> StoredSigningKey {
        try await reload()
        guard let key = published.first(where: { $0.kid == kid }) else {
            throw TelegateError(.signingKeyNotFound, "the app publishes no signing key with kid \(kid)")
        }
        guard key.state == .retired else {
            throw TelegateError(
                .signingKeyInUse,
                "kid \(kid) is the \(key.state == .active ? "active" : "next") \(key.algorithm.rawValue) key; rotate first, then retire it",
                reason: key.state.rawValue)
        }
        let now = clock.now
        let ended = try await store.endPublication(appID: appID, kid: kid, at: now)
        try await reload()
        guard ended else { throw TelegateError(.signingKeyNotFound, "the app publishes no signing key with kid \(kid)") }
        var retired = key
        retired.expiresAt = now
        return retired
    }

    /// The header `typ` and the claims of `token` when one of the ring's published keys (active, next or retired)
    /// signed it with that key's algorithm; `nil` for anything else (`alg: none`, unsigned, another key, malformed).
    /// Expiry and audience are the caller's to check.
    public func verified(_ token: String) async throws -> (type: String?, claims: JSONValue)? {
        guard token.utf8.count <= 8192, let jws = try? CompactJWS(token), let kid = jws.header["kid"]?.stringValue,
            let algorithm = jws.header["alg"]?.stringValue
        else { return nil }
        try await reloadIfStale()
        guard let key = verificationKeys[kid], key.algorithm.rawValue == algorithm, await key.verifies(token) else {
            return nil
        }
        return (jws.header["typ"]?.stringValue, jws.claims)
    }

    /// Re-reads the keys from the database.
    public func reload() async throws {
        let now = clock.now
        let stored = try await store.keys(appID: appID, now: now)
        var signers: [SigningAlgorithm: TokenSigner] = [:]
        for key in stored where key.state == .active {
            let bytes = try box.open(key.sealedPrivateKey, context: Self.sealContext(appID, key.kid))
            signers[key.algorithm] = TokenSigner(
                kid: key.kid, material: try SigningKeyMaterial(algorithm: key.algorithm, privateKeyBytes: bytes))
        }
        self.signers = signers
        self.published = stored
        self.jwksCache = .object([("keys", .array(stored.map(\.publicJWK)))])
        var verificationKeys: [String: VerificationKey] = [:]
        for key in stored {
            if let known = self.verificationKeys[key.kid] {
                verificationKeys[key.kid] = known
            } else if let parsed = await VerificationKey.parse(key.publicJWK) {
                verificationKeys[key.kid] = parsed
            }
        }
        self.verificationKeys = verificationKeys
        self.loadedAt = now
        snapshot.withLock { $0 = (signers, now) }
    }

    /// Reloads once the ring is older than ``refreshInterval``. Callers arriving while a reload is under way join
    /// it: when the ring goes stale under load, one read serves every waiting signer instead of one read each.
    private func reloadIfStale() async throws {
        if let loadedAt, clock.now - loadedAt < refreshInterval { return }
        if let reloading { return try await reloading.value }
        let task = Task { try await reload() }
        reloading = task
        defer { reloading = nil }
        try await task.value
    }

    private func makeKey(_ algorithm: SigningAlgorithm, state: StoredSigningKey.State, at now: Int64) throws
        -> StoredSigningKey
    {
        let material = try SigningKeyMaterial.generate(algorithm)
        let kid = material.thumbprint
        return StoredSigningKey(
            appID: appID, kid: kid, algorithm: algorithm, state: state,
            sealedPrivateKey: try box.seal(material.privateKeyBytes, context: Self.sealContext(appID, kid)),
            publicJWK: material.publicJWK(kid: kid), createdAt: now)
    }

    package static func sealContext(_ appID: AppID, _ kid: String) -> String { "signing-key:\(appID):\(kid)" }
}
