import Foundation
import StrictJSON
import Synchronization
import _CryptoExtras

/// The data of one simulated Firebase project — its users and refresh tokens — and Google's rules for signing in
/// with a custom token and refreshing. Every method is atomic.
final class FirebaseProject: Sendable {
    /// A Firebase user.
    struct User: Sendable {
        let uid: String
        let tenantID: String?
        /// When the first sign-in created the user (Unix seconds).
        let createdAt: Int64
        var disabled = false
        /// Tokens issued before this (Unix seconds) are revoked.
        var validSince: Int64 = 0
        var lastLoginAt: Int64
        var displayName: String?
        var photoURL: String?
    }

    /// A refresh token: whose, and the developer claims its ID tokens carry.
    private struct RefreshGrant: Sendable {
        let uid: String
        let claims: [(key: String, value: JSONValue)]
        let issuedAt: Int64
    }

    private struct State: Sendable {
        var users: [String: User] = [:]
        var refreshTokens: [String: RefreshGrant] = [:]
    }

    /// The ID token lifetime, as Google issues them.
    static let idTokenLifetime: Int64 = 3600

    let settings: FirebaseProjectSettings
    /// The key ID tokens are signed with (Google's `securetoken@system.gserviceaccount.com`).
    private let idTokenKey: _RSA.Signing.PrivateKey
    let idTokenKeyID: String
    private let now: @Sendable () -> Int64
    private let state = Mutex(State())

    init(settings: FirebaseProjectSettings, now: @escaping @Sendable () -> Int64) throws {
        self.settings = settings
        self.now = now
        self.idTokenKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        self.idTokenKeyID = FirebaseRandom.hex(length: 40)
    }

    /// The JWKS ID tokens verify with.
    var jwks: JSONValue { .object([("keys", .array([FirebaseJWS.jwk(of: idTokenKey.publicKey, kid: idTokenKeyID)]))]) }

    var allUsers: [User] { state.withLock { Array($0.users.values) } }

    func user(_ uid: String) -> User? { state.withLock { $0.users[uid] } }

    /// Revokes the user's refresh tokens (as `revokeRefreshTokens` in the Admin SDK); `false` if there is no such user.
    func revokeTokens(of uid: String) -> Bool {
        let time = now()
        return state.withLock { state in
            guard state.users[uid] != nil else { return false }
            state.users[uid]?.validSince = time + 1
            return true
        }
    }

    /// The admin `accounts:update` (the Admin SDKs' `updateUser`) of the user in `tenantID` (or the project's own
    /// users): `displayName`, `photoUrl` and `deleteAttribute` (`DISPLAY_NAME`, `PHOTO_URL`) are applied; an unknown
    /// user is `USER_NOT_FOUND`.
    func update(_ body: JSONValue, tenantID: String?) throws(FirebaseErrorBody) -> JSONValue {
        guard let members = body.objectMembers else { throw .identityToolkit("Invalid JSON payload received.") }
        let known = ["localId", "displayName", "photoUrl", "deleteAttribute", "disableUser"]
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw .identityToolkit("Invalid JSON payload received. Unknown name \"\(unknown.key.prefix(40))\": Cannot find field.")
        }
        guard let uid = body["localId"]?.stringValue, !uid.isEmpty else { throw .identityToolkit("MISSING_LOCAL_ID") }
        let deleted = Set(body["deleteAttribute"]?.arrayElements?.compactMap(\.stringValue) ?? [])
        return try state.withLock { state throws(FirebaseErrorBody) -> JSONValue in
            guard var user = state.users[uid], user.tenantID == tenantID else { throw .identityToolkit("USER_NOT_FOUND") }
            if let name = body["displayName"]?.stringValue { user.displayName = name }
            if let photo = body["photoUrl"]?.stringValue { user.photoURL = photo }
            if deleted.contains("DISPLAY_NAME") { user.displayName = nil }
            if deleted.contains("PHOTO_URL") { user.photoURL = nil }
            if let disabled = body["disableUser"]?.boolValue { user.disabled = disabled }
            state.users[uid] = user
            var answer: [(key: String, value: JSONValue)] = [
                ("kind", .string("identitytoolkit#SetAccountInfoResponse")), ("localId", .string(uid)),
            ]
            if let name = user.displayName { answer.append(("displayName", .string(name))) }
            if let photo = user.photoURL { answer.append(("photoUrl", .string(photo))) }
            answer.append(("providerUserInfo", .array([])))
            return .object(answer)
        }
    }

    /// `accounts:signInWithCustomToken`: checks the token as Identity Toolkit does, creates the user on first use.
    func signIn(customToken token: String?, tenantID: String?) throws(FirebaseErrorBody) -> JSONValue {
        let verified = try FirebaseCustomTokenRules(project: settings, now: now()).verify(token, tenantID: tenantID)
        let time = now()
        let isNewUser = try state.withLock { state throws(FirebaseErrorBody) -> Bool in
            if let user = state.users[verified.uid] {
                guard !user.disabled else { throw .identityToolkit("USER_DISABLED") }
                state.users[verified.uid]?.lastLoginAt = time
                return false
            }
            state.users[verified.uid] = User(
                uid: verified.uid, tenantID: verified.tenantID, createdAt: time, lastLoginAt: time)
            return true
        }
        let refreshToken = FirebaseRandom.token(length: 180)
        state.withLock {
            $0.refreshTokens[refreshToken] = RefreshGrant(uid: verified.uid, claims: verified.claims, issuedAt: time)
        }
        return .object([
            ("kind", .string("identitytoolkit#VerifyCustomTokenResponse")),
            ("idToken", .string(try idToken(uid: verified.uid, tenantID: verified.tenantID, claims: verified.claims))),
            ("refreshToken", .string(refreshToken)), ("expiresIn", .string(String(Self.idTokenLifetime))),
            ("isNewUser", .bool(isNewUser)),
        ])
    }

    /// The secure-token API's `grant_type=refresh_token`: a new ID token for the refresh token's user (the refresh
    /// token stays the same, as Google's does).
    func refresh(grantType: String?, refreshToken: String?) throws(FirebaseErrorBody) -> JSONValue {
        guard let grantType, !grantType.isEmpty else { throw .secureToken("MISSING_GRANT_TYPE") }
        guard grantType == "refresh_token" else { throw .secureToken("INVALID_GRANT_TYPE") }
        guard let refreshToken, !refreshToken.isEmpty else { throw .secureToken("MISSING_REFRESH_TOKEN") }
        let (grant, user) = state.withLock { state in
            let grant = state.refreshTokens[refreshToken]
            return (grant, grant.flatMap { state.users[$0.uid] })
        }
        guard let grant else { throw .secureToken("INVALID_REFRESH_TOKEN") }
        guard let user else { throw .secureToken("USER_NOT_FOUND") }
        guard !user.disabled else { throw .secureToken("USER_DISABLED") }
        guard grant.issuedAt >= user.validSince else { throw .secureToken("TOKEN_EXPIRED") }
        let idToken = try idToken(uid: user.uid, tenantID: user.tenantID, claims: grant.claims)
        return .object([
            ("access_token", .string(idToken)), ("expires_in", .string(String(Self.idTokenLifetime))),
            ("token_type", .string("Bearer")), ("refresh_token", .string(refreshToken)), ("id_token", .string(idToken)),
            ("user_id", .string(user.uid)), ("project_id", .string(settings.projectNumber)),
        ])
    }

    /// `accounts:lookup` with an ID token, as the Firebase JS SDK calls it right after every sign-in: the token must
    /// be one of this project's, unexpired and not revoked; answers the user's account (times in milliseconds).
    func lookup(idToken token: String?) throws(FirebaseErrorBody) -> JSONValue {
        guard let token, !token.isEmpty else { throw .identityToolkit("MISSING_ID_TOKEN") }
        let time = now()
        guard let parts = FirebaseJWS.parts(of: token), parts.header["kid"]?.stringValue == idTokenKeyID,
            FirebaseJWS.verify(parts.signature, of: parts.signingInput, with: idTokenKey.publicKey),
            parts.payload["aud"]?.stringValue == settings.projectID, let uid = parts.payload["sub"]?.stringValue,
            let issuedAt = parts.payload["iat"]?.integerValue, let expiry = parts.payload["exp"]?.integerValue
        else { throw .identityToolkit("INVALID_ID_TOKEN") }
        guard expiry > time else { throw .identityToolkit("TOKEN_EXPIRED") }
        guard let user = user(uid) else { throw .identityToolkit("USER_NOT_FOUND") }
        guard !user.disabled else { throw .identityToolkit("USER_DISABLED") }
        guard issuedAt >= user.validSince else { throw .identityToolkit("TOKEN_EXPIRED") }
        var account: [(key: String, value: JSONValue)] = [
            ("localId", .string(user.uid)), ("lastLoginAt", .string(String(user.lastLoginAt * 1000))),
            ("createdAt", .string(String(user.createdAt * 1000))), ("customAuth", .bool(true)),
        ]
        if let tenantID = user.tenantID { account.append(("tenantId", .string(tenantID))) }
        return .object([("kind", .string("identitytoolkit#GetAccountInfoResponse")), ("users", .array([.object(account)]))])
    }

    /// A Firebase ID token: developer claims at the top level, then the claims Google sets.
    private func idToken(uid: String, tenantID: String?, claims: [(key: String, value: JSONValue)]) throws(FirebaseErrorBody) -> String {
        let time = now()
        var firebase: [(key: String, value: JSONValue)] = [("identities", .object([])), ("sign_in_provider", .string("custom"))]
        if let tenantID { firebase.append(("tenant", .string(tenantID))) }
        let payload = JSONValue.object(
            claims + [
                ("iss", .string("https://securetoken.google.com/\(settings.projectID)")), ("aud", .string(settings.projectID)),
                ("auth_time", .integer(user(uid)?.lastLoginAt ?? time)), ("user_id", .string(uid)), ("sub", .string(uid)),
                ("iat", .integer(time)), ("exp", .integer(time + Self.idTokenLifetime)), ("firebase", .object(firebase)),
            ])
        do {
            return try FirebaseJWS.sign(payload, kid: idTokenKeyID, with: idTokenKey)
        } catch {
            throw FirebaseErrorBody(code: 500, message: "INTERNAL_ERROR", reason: "backendError", status: "INTERNAL")
        }
    }
}
