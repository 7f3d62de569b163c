import StrictJSON

/// A signing key as stored: the private key sealed, the public JWK in the clear.
public struct StoredSigningKey: Sendable, Equatable {
    /// Where the key is in its life.
    public enum State: String, Sendable, Equatable {
        /// Published in the JWKS, not yet signing: verifiers learn it before they meet it.
        case next
        /// Signing (one per app and algorithm) and published.
        case active
        /// No longer signing; published until every token it signed has expired.
        case retired
    }

    public var appID: AppID
    public var kid: String
    public var algorithm: SigningAlgorithm
    public var state: State
    public var sealedPrivateKey: String
    public var publicJWK: JSONValue
    public var createdAt: Int64
    /// When a retired key leaves the JWKS.
    public var expiresAt: Int64?

    /// Creates a stored key.
    public init(
        appID: AppID, kid: String, algorithm: SigningAlgorithm, state: State, sealedPrivateKey: String,
        publicJWK: JSONValue, createdAt: Int64, expiresAt: Int64? = nil
    ) {
        self.appID = appID
        self.kid = kid
        self.algorithm = algorithm
        self.state = state
        self.sealedPrivateKey = sealedPrivateKey
        self.publicJWK = publicJWK
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Signing keys of the built-in issuer.
public protocol SigningKeyStore: Sendable {
    /// Every key of `appID` that has not expired at `now` (retired keys whose `expiresAt` is at or before `now`
    /// are left out), in no particular order.
    func keys(appID: AppID, now: Int64) async throws -> [StoredSigningKey]
    /// Inserts the first active key of an algorithm and its successor; `false` if another caller already did
    /// (at most one active key per app and algorithm).
    func insertInitial(active: StoredSigningKey, next: StoredSigningKey) async throws -> Bool
    /// Rotates atomically: the active key `activeKid` retires (leaving the JWKS at `retiredExpiresAt`), the next
    /// key becomes active, and `newNext` is published. `false`, with nothing changed, if `activeKid` is no longer the
    /// active key of `algorithm` in `appID` or there is no published successor to promote.
    func rotate(
        appID: AppID, algorithm: SigningAlgorithm, activeKid: String, retiredExpiresAt: Int64,
        newNext: StoredSigningKey
    ) async throws -> Bool
    /// Ends the publication of the retired key `kid` of `appID` at `at`: from then on ``keys(appID:now:)`` leaves it
    /// out. `false`, with nothing changed, if `kid` is not a retired key of `appID` still published at `at` (active
    /// and next keys are never ended this way).
    func endPublication(appID: AppID, kid: String, at: Int64) async throws -> Bool
}
