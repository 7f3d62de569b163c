import StrictJSON
import TelegateCore
import TelegramAuth

/// Builds and signs the tokens the OpenID Provider's token endpoint answers with.
public struct OpenIDTokenMinter: Sendable {
    /// How long each token lives, in seconds.
    public struct Lifetimes: Sendable {
        public var idToken: Int64 = 3600
        public var accessToken: Int64 = 900
        public var refreshToken: Int64 = 2_592_000
        /// The longest a grant refreshes, however often it rotates.
        public var grant: Int64 = 7_776_000

        /// The standard lifetimes.
        public init() {}
    }

    /// What the tokens are about: the user, the client, the grant and the authentication.
    public struct Subject: Sendable {
        public var user: UserRecord
        public var clientID: ClientID
        /// The grant (refresh-token family) the access token belongs to, checked on every use.
        public var grantID: String
        /// The scopes the tokens carry.
        public var scopes: [String]
        public var authTime: Int64
        /// How the user proved who they are; `nil` on a refresh.
        public var proof: TelegramIdentity.Proof?
        public var nonce: String?
        /// The browser session (the ID token's `sid`).
        public var sessionID: String?

        /// Creates a subject.
        public init(
            user: UserRecord, clientID: ClientID, grantID: String, scopes: [String], authTime: Int64,
            proof: TelegramIdentity.Proof? = nil, nonce: String? = nil, sessionID: String? = nil
        ) {
            self.user = user
            self.clientID = clientID
            self.grantID = grantID
            self.scopes = scopes
            self.authTime = authTime
            self.proof = proof
            self.nonce = nonce
            self.sessionID = sessionID
        }
    }

    /// The issuer URL, the tokens' `iss`.
    public let issuer: String
    public let lifetimes: Lifetimes

    /// Creates a minter for the app whose issuer is `issuer`.
    public init(issuer: String, lifetimes: Lifetimes = Lifetimes()) {
        self.issuer = issuer
        self.lifetimes = lifetimes
    }

    /// The access tokens' `aud`: the userinfo endpoint, the one resource they are for.
    public var accessTokenAudience: String { issuer + "/userinfo" }

    /// The claim naming an access token's grant.
    public static let grantClaim = "grant_id"

    /// The `amr` value of a proof kind.
    public static func authenticationMethod(_ proof: TelegramIdentity.Proof) -> String {
        switch proof {
        case .initData: "tg_initdata"
        case .widget: "tg_widget"
        case .telegramOIDC: "tg_oidc"
        }
    }

    /// The access token (RFC 9068: `typ: at+jwt`, `iss`, `sub`, `aud`, `client_id`, `iat`, `exp`, `jti`, `scope`,
    /// `auth_time`, and the grant id) expiring at most at `notAfter`, and the ID token bound to it by `at_hash`.
    public func mint(_ subject: Subject, now: Int64, notAfter: Int64, signer: TokenSigner) throws
        -> (accessToken: String, idToken: String, expiresIn: Int64)
    {
        let accessExpiresAt = min(now + lifetimes.accessToken, notAfter)
        let access: [(key: String, value: JSONValue)] = [
            ("iss", .string(issuer)), ("sub", .string(subject.user.id.rawValue)), ("aud", .string(accessTokenAudience)),
            ("client_id", .string(subject.clientID.rawValue)), ("iat", .integer(now)), ("exp", .integer(accessExpiresAt)),
            ("jti", .string(Base64.urlEncode(SecureRandom.bytes(16)))),
            ("scope", .string(subject.scopes.joined(separator: " "))), ("auth_time", .integer(subject.authTime)),
            (Self.grantClaim, .string(subject.grantID)),
        ]
        let accessToken = try signer.sign(claims: .object(access), type: "at+jwt")
        var id: [(key: String, value: JSONValue)] = [
            ("iss", .string(issuer)), ("aud", .string(subject.clientID.rawValue)),
            ("azp", .string(subject.clientID.rawValue)), ("iat", .integer(now)),
            ("exp", .integer(now + lifetimes.idToken)), ("auth_time", .integer(subject.authTime)),
        ]
        if let nonce = subject.nonce { id.append(("nonce", .string(nonce))) }
        if let proof = subject.proof { id.append(("amr", .array([.string(Self.authenticationMethod(proof))]))) }
        id.append(("at_hash", .string(AccessTokenHash.value(of: accessToken, algorithm: signer.algorithm))))
        if let sessionID = subject.sessionID { id.append(("sid", .string(sessionID))) }
        id += ScopeClaims.claims(of: subject.user, scopes: subject.scopes)
        return (accessToken, try signer.sign(claims: .object(id), type: "JWT"), accessExpiresAt - now)
    }
}
