/// An authorization code (RFC 6749 §4.1.2) as stored: only its SHA-256 hash. Single use, short-lived, and bound to
/// the client, the redirect URI, the PKCE challenge and the nonce of the request it answers.
public struct AuthorizationCode: Sendable, Equatable {
    public var hash: [UInt8]
    public var appID: AppID
    public var clientID: ClientID
    public var userID: UserID
    /// How and when the user proved who they are (`auth_time`, `amr`).
    public var login: UserLogin
    /// What the client asked for.
    public var request: AuthorizedRequest
    /// The browser session the code was issued in, if any (the ID token's `sid`).
    public var sessionID: String?
    /// Unix seconds; at most 60 s after issue.
    public var expiresAt: Int64

    /// Creates a code record.
    public init(
        hash: [UInt8], appID: AppID, clientID: ClientID, userID: UserID, login: UserLogin, request: AuthorizedRequest,
        sessionID: String?, expiresAt: Int64
    ) {
        self.hash = hash
        self.appID = appID
        self.clientID = clientID
        self.userID = userID
        self.login = login
        self.request = request
        self.sessionID = sessionID
        self.expiresAt = expiresAt
    }
}

/// The parts of an authorization request a code is bound to.
public struct AuthorizedRequest: Sendable, Equatable {
    /// The redirect URI, exactly as sent (the token request must repeat it).
    public var redirectURI: String
    /// The granted scopes.
    public var scopes: [String]
    public var nonce: String?
    /// The PKCE `S256` challenge; `nil` when the (confidential) client sent none.
    public var codeChallenge: String?

    /// Creates the request.
    public init(redirectURI: String, scopes: [String], nonce: String? = nil, codeChallenge: String? = nil) {
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.nonce = nonce
        self.codeChallenge = codeChallenge
    }
}

/// What presenting a code found.
public enum CodeRedemption: Sendable, Equatable {
    /// The first use: the code, now spent.
    case redeemed(AuthorizationCode)
    /// A second use: the code, and the grant its first use issued (to be revoked), if any was recorded.
    case replayed(AuthorizationCode, grantID: String?)
    /// No such code in this app, or it expired.
    case unknown
}

/// Authorization codes of the apps' OpenID Providers.
public protocol AuthorizationCodeStore: Sendable {
    /// Stores a new code.
    func save(_ code: AuthorizationCode) async throws
    /// In one conditional write, spends the code of `appID` with this hash if it is unspent and unexpired at `at`.
    /// However many requests, on however many instances, present it at once, one gets `.redeemed`.
    func redeem(appID: AppID, hash: [UInt8], at: Int64) async throws -> CodeRedemption
    /// Records the grant the first redemption of a code issued, so a replay can revoke it.
    func recordGrant(appID: AppID, hash: [UInt8], grantID: String) async throws
    /// Deletes the codes that expired before `cutoff`; returns how many.
    func deleteExpired(before cutoff: Int64) async throws -> Int
}
