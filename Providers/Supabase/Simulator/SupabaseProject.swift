import Crypto
import Foundation
import Synchronization
import StrictJSON

/// The state of a simulated Supabase project's Auth service: users, one-time email tokens and sessions, with the
/// rules Supabase Auth applies to them.
final class SupabaseProject: Sendable {
    struct User: Sendable {
        var id: String
        var email: String?
        var phone: String?
        var emailConfirmedAt: Int64?
        var userMetadata: JSONValue
        var appMetadata: JSONValue
        var createdAt: Int64
        var updatedAt: Int64
        var lastSignInAt: Int64?
        /// The external identities linked to the user (custom OIDC providers).
        var identities: [Identity] = []

        /// Supabase Auth's `User` object.
        var json: JSONValue {
            func time(_ seconds: Int64?) -> JSONValue {
                seconds.map { .string(Date(timeIntervalSince1970: TimeInterval($0)).ISO8601Format()) } ?? .null
            }
            return .object([
                ("id", .string(id)), ("aud", .string("authenticated")), ("role", .string("authenticated")),
                ("email", .string(email ?? "")), ("email_confirmed_at", time(emailConfirmedAt)), ("phone", .string(phone ?? "")),
                ("confirmed_at", time(emailConfirmedAt)), ("last_sign_in_at", time(lastSignInAt)), ("app_metadata", appMetadata),
                ("user_metadata", userMetadata), ("identities", .array(identities.map { $0.json(time) })),
                ("created_at", time(createdAt)),
                ("updated_at", time(updatedAt)), ("is_anonymous", .bool(false)),
            ])
        }
    }

    /// A user's identity at an external provider: the provider's `sub` for the user, and the claims it last sent.
    struct Identity: Sendable {
        let id: String
        let provider: String
        let providerID: String
        let userID: String
        var identityData: JSONValue
        let createdAt: Int64
        var lastSignInAt: Int64

        func json(_ time: (Int64?) -> JSONValue) -> JSONValue {
            .object([
                ("identity_id", .string(id)), ("id", .string(providerID)), ("user_id", .string(userID)),
                ("identity_data", identityData), ("provider", .string(provider)), ("last_sign_in_at", time(lastSignInAt)),
                ("created_at", time(createdAt)), ("updated_at", time(lastSignInAt)),
            ])
        }
    }

    /// A one-time email token (`hashed_token`) of kind `magiclink` or `signup`.
    struct EmailToken: Sendable {
        let hashedToken: String
        let userID: String
        let kind: String
        let createdAt: Int64
    }

    struct Session: Sendable {
        let id: String
        let userID: String
        var refreshToken: String
        var usedRefreshTokens: [String]
    }

    private struct State {
        var users: [User] = []
        var tokens: [EmailToken] = []
        var sessions: [Session] = []
        var issued: [String] = []
        var customProviders: [SupabaseCustomProvider] = []
    }

    let settings: SupabaseProjectSettings
    let now: @Sendable () -> Int64
    private let state = Mutex(State())

    init(settings: SupabaseProjectSettings, now: @escaping @Sendable () -> Int64) {
        self.settings = settings
        self.now = now
    }

    // MARK: Users

    /// `POST /admin/users`: `id` must be a UUID (not the nil UUID) when given; an email or a phone is required; emails and phones
    /// are unique.
    func createUser(_ body: JSONValue) throws(SupabaseErrorBody) -> User {
        var id = UUID().uuidString.lowercased()
        if let given = body["id"] {
            guard let text = given.stringValue, let uuid = UUID(uuidString: text) else {
                throw .validation("ID must conform to the uuid v4 format")
            }
            // Supabase Auth parses the id as any UUID (`uuid.FromString`), whatever its message says about v4.
            guard uuid != UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) else { throw .validation("ID cannot be a nil uuid") }
            id = uuid.uuidString.lowercased()
        }
        let email = try Self.email(body["email"])
        let phone = body["phone"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        guard email != nil || phone != nil else { throw .validation("Cannot create a user without either an email or phone") }
        for key in ["user_metadata", "app_metadata"] {
            if let value = body[key], value != .null, value.objectMembers == nil { throw .badJSON }
        }
        return try state.withLock { state throws(SupabaseErrorBody) in
            if let email, state.users.contains(where: { $0.email == email }) { throw .emailExists }
            if let phone, state.users.contains(where: { $0.phone == phone }) { throw .phoneExists }
            if state.users.contains(where: { $0.id == id }) { throw .userExists }
            let created = now()
            var appMetadata = [(key: String, value: JSONValue)]()
            appMetadata.append(("provider", .string(email != nil ? "email" : "phone")))
            appMetadata.append(("providers", .array([.string(email != nil ? "email" : "phone")])))
            appMetadata += (body["app_metadata"]?.objectMembers ?? []).filter { $0.key != "provider" && $0.key != "providers" }
            let user = User(
                id: id, email: email, phone: phone, emailConfirmedAt: body["email_confirm"]?.boolValue == true ? created : nil,
                userMetadata: .object(body["user_metadata"]?.objectMembers ?? []), appMetadata: .object(appMetadata),
                createdAt: created, updatedAt: created, lastSignInAt: nil)
            state.users.append(user)
            return user
        }
    }

    /// `PUT /admin/users/{id}`: merges the top-level keys of `user_metadata` and `app_metadata` (a `null` removes one).
    func updateUser(_ id: String, _ body: JSONValue) throws(SupabaseErrorBody) -> User {
        try state.withLock { state throws(SupabaseErrorBody) in
            guard let index = state.users.firstIndex(where: { $0.id == id }) else { throw .userNotFound }
            if let patch = body["user_metadata"]?.objectMembers {
                state.users[index].userMetadata = Self.merge(state.users[index].userMetadata, patch)
            }
            if let patch = body["app_metadata"]?.objectMembers {
                state.users[index].appMetadata = Self.merge(state.users[index].appMetadata, patch)
            }
            state.users[index].updatedAt = now()
            return state.users[index]
        }
    }

    private static func merge(_ base: JSONValue, _ patch: [(key: String, value: JSONValue)]) -> JSONValue {
        var members = base.objectMembers ?? []
        for change in patch {
            members.removeAll { $0.key == change.key }
            if change.value != .null { members.append(change) }
        }
        return .object(members)
    }

    func user(_ id: String) -> User? { state.withLock { $0.users.first { $0.id == id } } }

    /// Deletes a user with its tokens and sessions, as `DELETE /admin/users/{id}` and the dashboard do.
    @discardableResult
    func deleteUser(_ id: String) -> Bool {
        state.withLock { state in
            let before = state.users.count
            state.users.removeAll { $0.id == id }
            state.tokens.removeAll { $0.userID == id }
            state.sessions.removeAll { $0.userID == id }
            return state.users.count < before
        }
    }

    var allUsers: [User] { state.withLock { $0.users } }

    /// The oldest user whose email is not `email`, made up when there is none: whom a misbehaving project answers
    /// about instead.
    func foreignUser(notHaving email: String?) -> User {
        state.withLock { state in
            if let other = state.users.first(where: { $0.email != email }) { return other }
            let created = now()
            let stranger = User(
                id: UUID().uuidString.lowercased(), email: "stranger-\(UUID().uuidString.prefix(8).lowercased())@example.com",
                phone: nil, emailConfirmedAt: created, userMetadata: .object([]), appMetadata: .object([]), createdAt: created,
                updatedAt: created, lastSignInAt: nil)
            state.users.append(stranger)
            return stranger
        }
    }

    // MARK: Email links

    /// `POST /admin/generate_link` of type `magiclink` or `signup`: a `magiclink` for an email no user has
    /// silently becomes a `signup` that creates the user (unconfirmed, random password). A new token replaces the
    /// user's earlier one of the same kind. Nothing is emailed.
    func generateLink(type: String, email: JSONValue?, data: JSONValue?, foreign: Bool)
        throws(SupabaseErrorBody) -> (user: User, otp: String, hashedToken: String, verificationType: String)
    {
        guard type == "magiclink" || type == "signup" else { throw .validation("Invalid email action link type requested") }
        guard let email = try Self.email(email) else { throw SupabaseErrorBody(.unprocessableContent, "validation_failed", "Invalid email") }
        return try state.withLock { state throws(SupabaseErrorBody) in
            var kind = type
            var user: User
            if foreign, let other = state.users.first(where: { $0.email != email }) {
                user = other
            } else if let existing = state.users.first(where: { $0.email == email }) {
                guard type == "magiclink" else { throw .emailExists }
                user = existing
            } else {
                kind = "signup"
                let created = now()
                user = User(
                    id: UUID().uuidString.lowercased(), email: email, phone: nil, emailConfirmedAt: nil,
                    userMetadata: .object(data?.objectMembers ?? []),
                    appMetadata: .object([("provider", .string("email")), ("providers", .array([.string("email")]))]),
                    createdAt: created, updatedAt: created, lastSignInAt: nil)
                state.users.append(user)
            }
            let otp = String(format: "%06d", Int.random(in: 0..<1_000_000))
            let hashed = SHA256.hash(data: Array((user.email ?? "").utf8) + Array(otp.utf8) + Self.randomBytes())
                .prefix(28).map { String(format: "%02x", $0) }.joined()
            state.tokens.removeAll { $0.userID == user.id && $0.kind == kind }
            state.tokens.append(EmailToken(hashedToken: hashed, userID: user.id, kind: kind, createdAt: now()))
            state.issued.append(hashed)
            return (user, otp, hashed, kind)
        }
    }

    /// `POST /verify {type, token_hash}`: a pending, unexpired token of a matching kind (`email` matches both)
    /// is used up and opens a session; a `signup` token confirms the email.
    func verify(type: String, tokenHash: String) throws(SupabaseErrorBody) -> (User, Session) {
        guard ["magiclink", "signup", "email"].contains(type) else { throw .validation("Unsupported verification type") }
        return try state.withLock { state throws(SupabaseErrorBody) in
            guard let index = state.tokens.firstIndex(where: { $0.hashedToken == tokenHash }) else { throw .otpExpired }
            let token = state.tokens[index]
            guard type == "email" || type == token.kind else { throw .otpExpired }
            state.tokens.remove(at: index)
            guard now() - token.createdAt < settings.otpExpiry,
                let userIndex = state.users.firstIndex(where: { $0.id == token.userID })
            else { throw .otpExpired }
            let signedIn = now()
            if state.users[userIndex].emailConfirmedAt == nil { state.users[userIndex].emailConfirmedAt = signedIn }
            state.users[userIndex].lastSignInAt = signedIn
            let session = Session(
                id: UUID().uuidString.lowercased(), userID: token.userID, refreshToken: Self.refreshToken(), usedRefreshTokens: [])
            state.sessions.append(session)
            return (state.users[userIndex], session)
        }
    }

    /// `POST /token?grant_type=refresh_token`: the refresh token is rotated; a used one is refused.
    func refresh(_ refreshToken: String) throws(SupabaseErrorBody) -> (User, Session) {
        try state.withLock { state throws(SupabaseErrorBody) in
            if state.sessions.contains(where: { $0.usedRefreshTokens.contains(refreshToken) }) { throw .refreshTokenUsed }
            guard let index = state.sessions.firstIndex(where: { $0.refreshToken == refreshToken }),
                let user = state.users.first(where: { $0.id == state.sessions[index].userID })
            else { throw .refreshTokenNotFound }
            state.sessions[index].usedRefreshTokens.append(refreshToken)
            state.sessions[index].refreshToken = Self.refreshToken()
            return (user, state.sessions[index])
        }
    }

    // MARK: Custom OIDC providers

    /// Registers a provider; an identifier already registered is `400 conflict`.
    func addCustomProvider(_ provider: SupabaseCustomProvider) throws(SupabaseErrorBody) {
        try state.withLock { state throws(SupabaseErrorBody) in
            guard !state.customProviders.contains(where: { $0.identifier == provider.identifier }) else {
                throw SupabaseErrorBody(.badRequest, "conflict", "A custom OAuth provider with this identifier already exists")
            }
            state.customProviders.append(provider)
        }
    }

    /// The provider registered as `identifier`.
    func customProvider(_ identifier: String) -> SupabaseCustomProvider? {
        state.withLock { $0.customProviders.first { $0.identifier == identifier } }
    }

    /// Every registered provider.
    var allCustomProviders: [SupabaseCustomProvider] { state.withLock { $0.customProviders } }

    /// Signs in the user of `provider`'s `sub` (from verified ID-token `claims`), as Supabase Auth's
    /// `createAccountFromExternalIdentity` does: the user who has that identity, their identity data and
    /// `user_metadata` refreshed; else a new user (with a new UUID) holding it. Without an email in the claims a user
    /// is only created when the provider has `email_optional`. Opens a session.
    func signIn(provider: SupabaseCustomProvider, claims: JSONValue) throws(SupabaseErrorBody) -> (User, Session) {
        let subject = claims["sub"]?.stringValue ?? ""
        let email = claims["email"]?.stringValue.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        let data = Self.identityData(claims)
        return try state.withLock { state throws(SupabaseErrorBody) in
            let signedIn = now()
            let index: Int
            if let existing = state.users.firstIndex(where: { user in
                user.identities.contains { $0.provider == provider.identifier && $0.providerID == subject }
            }) {
                index = existing
                let identity = state.users[index].identities.firstIndex { $0.provider == provider.identifier && $0.providerID == subject }!
                state.users[index].identities[identity].identityData = data
                state.users[index].identities[identity].lastSignInAt = signedIn
            } else {
                guard email != nil || provider.emailOptional else {
                    throw SupabaseErrorBody(.internalServerError, "unexpected_failure", "Error getting user email from external provider")
                }
                let id = UUID().uuidString.lowercased()
                let identity = Identity(
                    id: UUID().uuidString.lowercased(), provider: provider.identifier, providerID: subject, userID: id,
                    identityData: data, createdAt: signedIn, lastSignInAt: signedIn)
                state.users.append(
                    User(
                        id: id, email: email, phone: nil, emailConfirmedAt: nil, userMetadata: .object([]),
                        appMetadata: .object([
                            ("provider", .string(provider.identifier)), ("providers", .array([.string(provider.identifier)])),
                        ]),
                        createdAt: signedIn, updatedAt: signedIn, lastSignInAt: nil, identities: [identity]))
                index = state.users.count - 1
            }
            state.users[index].userMetadata = Self.merge(state.users[index].userMetadata, data.objectMembers ?? [])
            state.users[index].lastSignInAt = signedIn
            state.users[index].updatedAt = signedIn
            let session = Session(
                id: UUID().uuidString.lowercased(), userID: state.users[index].id, refreshToken: Self.refreshToken(), usedRefreshTokens: [])
            state.sessions.append(session)
            return (state.users[index], session)
        }
    }

    /// The identity data Supabase Auth keeps from a generic OIDC ID token: `iss`, `sub` (also as `provider_id`), the
    /// standard profile claims (`name` also as `full_name`, `picture` also as `avatar_url`) and the other claims
    /// under `custom_claims`.
    private static func identityData(_ claims: JSONValue) -> JSONValue {
        let registered: Set<String> = ["iss", "sub", "aud", "exp", "iat", "nbf", "jti", "auth_time", "nonce", "amr", "azp", "at_hash"]
        let profile = ["name", "given_name", "family_name", "preferred_username", "picture", "email", "locale"]
        var data: [(key: String, value: JSONValue)] = []
        for key in ["iss", "sub"] { if let value = claims[key] { data.append((key, value)) } }
        if let sub = claims["sub"] { data.append(("provider_id", sub)) }
        for key in profile { if let value = claims[key] { data.append((key, value)) } }
        if let name = claims["name"] { data.append(("full_name", name)) }
        if let picture = claims["picture"] { data.append(("avatar_url", picture)) }
        data += [("email_verified", .bool(claims["email_verified"]?.boolValue ?? false)), ("phone_verified", .bool(false))]
        let custom = (claims.objectMembers ?? []).filter { !registered.contains($0.key) && !profile.contains($0.key) }
        if !custom.isEmpty { data.append(("custom_claims", .object(custom))) }
        return .object(data)
    }

    /// Every one-time token issued, used or not.
    var issuedEmailTokens: [String] { state.withLock { $0.issued } }

    /// Open sessions.
    var allSessions: [Session] { state.withLock { $0.sessions } }

    // MARK: Helpers

    /// A trimmed, lowercased email, `nil` when absent or empty; a malformed one is refused.
    private static func email(_ value: JSONValue?) throws(SupabaseErrorBody) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue else { throw .badJSON }
        let email = text.trimmingCharacters(in: .whitespaces).lowercased()
        if email.isEmpty { return nil }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            email.count <= 255, !email.contains(" ")
        else { throw .validation("Unable to validate email address: invalid format") }
        return email
    }

    private static func randomBytes() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    private static func refreshToken() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<12).map { _ in alphabet.randomElement()! })
    }
}
