import Foundation
import StrictJSON
import Synchronization

/// The data of one simulated Clerk instance — users, sign-in tokens, sessions — and Clerk's rules for changing
/// it. Every method is atomic, so concurrent requests see what Clerk's database would show them.
final class ClerkInstance: Sendable {
    /// A Clerk user.
    struct User: Sendable {
        var id: String
        var externalID: String?
        var username: String?
        var emailAddresses: [String]
        var phoneNumbers: [String]
        var firstName: String?
        var lastName: String?
        var publicMetadata: JSONValue
        var privateMetadata: JSONValue
        var unsafeMetadata: JSONValue
        var createdAt: Int64
        var updatedAt: Int64

        var json: JSONValue {
            func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
            return .object([
                ("id", .string(id)), ("object", .string("user")), ("external_id", optional(externalID)),
                ("username", optional(username)), ("first_name", optional(firstName)), ("last_name", optional(lastName)),
                ("image_url", .string("https://img.clerk.com/default")), ("has_image", .bool(false)),
                ("primary_email_address_id", .null), ("primary_phone_number_id", .null),
                ("password_enabled", .bool(false)), ("two_factor_enabled", .bool(false)),
                ("email_addresses", .array(emailAddresses.map { .object([("email_address", .string($0))]) })),
                ("phone_numbers", .array(phoneNumbers.map { .object([("phone_number", .string($0))]) })),
                ("web3_wallets", .array([])), ("external_accounts", .array([])),
                ("public_metadata", publicMetadata), ("private_metadata", privateMetadata),
                ("unsafe_metadata", unsafeMetadata), ("banned", .bool(false)), ("locked", .bool(false)),
                ("last_sign_in_at", .null), ("created_at", .integer(createdAt)), ("updated_at", .integer(updatedAt)),
            ])
        }
    }

    /// A sign-in token: usable once, until it expires or is revoked.
    struct SignInToken: Sendable {
        enum Status: String, Sendable { case pending, accepted, revoked }
        var id: String
        var userID: String
        var token: String
        var status: Status
        /// The `expires_in_seconds` it was created with (Clerk's 30-day default when omitted).
        var expiresInSeconds: Int64
        var createdAt: ContinuousClock.Instant
        var createdAtMilliseconds: Int64

        var json: JSONValue {
            .object([
                ("object", .string("sign_in_token")), ("id", .string(id)), ("status", .string(status.rawValue)),
                ("user_id", .string(userID)), ("token", .string(token)),
                ("url", .string("https://accounts.example.com/sign-in#__clerk_ticket=\(token)")),
                ("created_at", .integer(createdAtMilliseconds)), ("updated_at", .integer(createdAtMilliseconds)),
            ])
        }
    }

    /// What a sign-in produced.
    struct Session: Sendable, Equatable {
        var id: String
        var clientID: String
        var userID: String
    }

    private struct State {
        var users: [User] = []
        var tokens: [SignInToken] = []
        var sessions: [Session] = []
    }

    /// Clerk's default sign-in token lifetime: 30 days.
    static let defaultTokenLifetime: Int64 = 2_592_000

    private let state = Mutex(State())
    private let configured: Mutex<ClerkInstanceSettings>
    /// The monotonic clock sign-in token lifetimes are measured on.
    private let now: @Sendable () -> ContinuousClock.Instant

    init(settings: ClerkInstanceSettings, now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.configured = Mutex(settings)
        self.now = now
    }

    /// The instance's current settings.
    var settings: ClerkInstanceSettings { configured.withLock { $0 } }

    /// Changes the identifier rules, as an admin does in the dashboard; existing users are kept.
    func reconfigure(identifiers: [ClerkInstanceSettings.Identifier: ClerkInstanceSettings.Requirement], passwordEnabled: Bool) {
        configured.withLock { settings in
            settings.identifiers = identifiers
            settings.passwordEnabled = passwordEnabled
        }
    }

    private static var nowMilliseconds: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    // MARK: Users

    /// `POST /v1/users` after schema validation: the instance's identifier rules, then uniqueness.
    func createUser(_ body: JSONValue) throws(ClerkErrorBody) -> User {
        let settings = self.settings
        let username = body["username"]?.stringValue?.lowercased()
        let emails = body["email_address"]?.arrayElements?.compactMap(\.stringValue) ?? []
        let phones = body["phone_number"]?.arrayElements?.compactMap(\.stringValue) ?? []
        let provided: [ClerkInstanceSettings.Identifier: Bool] = [
            .username: username != nil, .emailAddress: !emails.isEmpty, .phoneNumber: !phones.isEmpty,
        ]
        for identifier in ClerkInstanceSettings.Identifier.allCases
        where provided[identifier] == true && (settings.identifiers[identifier] ?? .off) == .off {
            throw .unknown(identifier.rawValue)
        }
        if body["skip_user_requirement"] == .bool(true) {
            // The requirements are waived, but a user still needs one identifier the instance has enabled.
            guard provided.values.contains(true) else { throw .missing("identifier") }
        } else {
            for identifier in ClerkInstanceSettings.Identifier.allCases
            where settings.identifiers[identifier] == .required && provided[identifier] != true {
                throw .missing(identifier.rawValue)
            }
        }
        if settings.passwordEnabled, body["password"]?.stringValue == nil, body["password_digest"]?.stringValue == nil,
            body["skip_password_requirement"] != .bool(true)
        {
            throw .missing("password")
        }
        if let username {
            guard (4...64).contains(username.count) else {
                throw ClerkErrorBody(
                    .unprocessableContent, code: "form_username_invalid_length", message: "is invalid",
                    longMessage: "Username must be between 4 and 64 characters long.", parameter: "username")
            }
            guard username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw ClerkErrorBody(
                    .unprocessableContent, code: "form_username_invalid_character", message: "is invalid",
                    longMessage: "Username can only contain letters, numbers, '_' and '-'.", parameter: "username")
            }
        }
        let now = Self.nowMilliseconds
        let user = User(
            id: ClerkIdentifiers.make("user_"), externalID: body["external_id"]?.stringValue, username: username,
            emailAddresses: emails, phoneNumbers: phones, firstName: body["first_name"]?.stringValue,
            lastName: body["last_name"]?.stringValue, publicMetadata: body["public_metadata"] ?? .object([]),
            privateMetadata: body["private_metadata"] ?? .object([]), unsafeMetadata: body["unsafe_metadata"] ?? .object([]),
            createdAt: now, updatedAt: now)
        return try state.withLock { state throws(ClerkErrorBody) in
            if let externalID = user.externalID, state.users.contains(where: { $0.externalID == externalID }) {
                throw .identifierExists("external_id")
            }
            if let username, state.users.contains(where: { $0.username == username }) {
                throw .identifierExists("username")
            }
            if emails.contains(where: { email in state.users.contains { $0.emailAddresses.contains(email) } }) {
                throw .identifierExists("email_address")
            }
            state.users.append(user)
            return user
        }
    }

    /// `GET /v1/users`: users matching every given filter (each filter matches any of its values), newest first.
    func users(externalIDs: [String], usernames: [String], userIDs: [String], limit: Int, offset: Int) -> [User] {
        state.withLock { state in
            let matching = state.users.filter { user in
                (externalIDs.isEmpty || user.externalID.map(externalIDs.contains) == true)
                    && (usernames.isEmpty || user.username.map { usernames.map { $0.lowercased() }.contains($0) } == true)
                    && (userIDs.isEmpty || userIDs.contains(user.id))
            }
            return Array(matching.reversed().dropFirst(offset).prefix(limit))
        }
    }

    /// The user with `id`.
    func user(_ id: String) -> User? {
        state.withLock { state in state.users.first { $0.id == id } }
    }

    /// A user that is not `externalID`'s, for a simulator told to answer about somebody else's account: the oldest
    /// such user, or a new one made for the purpose.
    func foreignUser(notOwnedBy externalID: String?) -> User {
        state.withLock { state in
            if let other = state.users.first(where: { $0.externalID != externalID }) { return other }
            let now = Self.nowMilliseconds
            let stranger = User(
                id: ClerkIdentifiers.make("user_"), externalID: ClerkIdentifiers.make("stranger_", length: 12),
                username: nil, emailAddresses: [], phoneNumbers: [], firstName: "Stranger", lastName: nil,
                publicMetadata: .object([]), privateMetadata: .object([]), unsafeMetadata: .object([]), createdAt: now,
                updatedAt: now)
            state.users.append(stranger)
            return stranger
        }
    }

    /// `PATCH /v1/users/{id}`: sets the given names and username.
    func updateUser(_ id: String, _ body: JSONValue) throws(ClerkErrorBody) -> User {
        try state.withLock { state throws(ClerkErrorBody) in
            guard let index = state.users.firstIndex(where: { $0.id == id }) else { throw .notFound("user") }
            if let username = body["username"]?.stringValue?.lowercased() {
                if state.users.contains(where: { $0.username == username && $0.id != id }) { throw .identifierExists("username") }
                state.users[index].username = username
            }
            if let first = body["first_name"] { state.users[index].firstName = first.stringValue }
            if let last = body["last_name"] { state.users[index].lastName = last.stringValue }
            if let externalID = body["external_id"] { state.users[index].externalID = externalID.stringValue }
            state.users[index].updatedAt = Self.nowMilliseconds
            return state.users[index]
        }
    }

    /// `PATCH /v1/users/{id}/metadata`: deep-merges each given metadata object; `null` members are removed.
    func mergeMetadata(_ id: String, _ body: JSONValue) throws(ClerkErrorBody) -> User {
        try state.withLock { state throws(ClerkErrorBody) in
            guard let index = state.users.firstIndex(where: { $0.id == id }) else { throw .notFound("user") }
            if let patch = body["public_metadata"] { state.users[index].publicMetadata = Self.merge(state.users[index].publicMetadata, patch) }
            if let patch = body["private_metadata"] { state.users[index].privateMetadata = Self.merge(state.users[index].privateMetadata, patch) }
            if let patch = body["unsafe_metadata"] { state.users[index].unsafeMetadata = Self.merge(state.users[index].unsafeMetadata, patch) }
            state.users[index].updatedAt = Self.nowMilliseconds
            return state.users[index]
        }
    }

    private static func merge(_ base: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard var members = base.objectMembers, let changes = patch.objectMembers else { return patch }
        for change in changes {
            let index = members.firstIndex { $0.key == change.key }
            if change.value == .null {
                if let index { members.remove(at: index) }
            } else if let index {
                members[index].value = merge(members[index].value, change.value)
            } else {
                members.append(change)
            }
        }
        return .object(members)
    }

    /// Deletes a user, as an admin doing it in the dashboard does.
    @discardableResult
    func deleteUser(_ id: String) -> Bool {
        state.withLock { state in
            let before = state.users.count
            state.users.removeAll { $0.id == id }
            return state.users.count < before
        }
    }

    /// Every user.
    var allUsers: [User] { state.withLock { $0.users } }

    // MARK: Sign-in tokens

    /// `POST /v1/sign_in_tokens`.
    func createSignInToken(userID: String, expiresInSeconds: Int64?) throws(ClerkErrorBody) -> SignInToken {
        try state.withLock { state throws(ClerkErrorBody) in
            guard state.users.contains(where: { $0.id == userID }) else { throw .notFound("user") }
            let token = SignInToken(
                id: ClerkIdentifiers.make("sit_"), userID: userID, token: ClerkIdentifiers.make("", length: 64),
                status: .pending, expiresInSeconds: expiresInSeconds ?? Self.defaultTokenLifetime, createdAt: now(),
                createdAtMilliseconds: Self.nowMilliseconds)
            state.tokens.append(token)
            return token
        }
    }

    /// `POST /v1/sign_in_tokens/{id}/revoke`: only a pending token can be revoked.
    func revokeSignInToken(_ id: String) throws(ClerkErrorBody) -> SignInToken {
        try state.withLock { state throws(ClerkErrorBody) in
            guard let index = state.tokens.firstIndex(where: { $0.id == id }) else { throw .notFound("sign in token") }
            guard state.tokens[index].status == .pending else {
                throw ClerkErrorBody(
                    .badRequest, code: "sign_in_token_cannot_be_revoked", message: "cannot be revoked",
                    longMessage: "Only pending sign in tokens can be revoked.")
            }
            state.tokens[index].status = .revoked
            return state.tokens[index]
        }
    }

    /// Every sign-in token created, oldest first.
    var allSignInTokens: [SignInToken] { state.withLock { $0.tokens } }

    // MARK: Frontend API

    /// `POST /v1/client/sign_ins` with `strategy=ticket`: accepts a pending, unexpired token once and opens a
    /// session for its user.
    func signIn(ticket: String) throws(ClerkErrorBody) -> Session {
        try state.withLock { state throws(ClerkErrorBody) in
            guard let index = state.tokens.firstIndex(where: { $0.token == ticket }) else { throw .ticketInvalid }
            let token = state.tokens[index]
            guard token.status == .pending, state.users.contains(where: { $0.id == token.userID }) else { throw .ticketInvalid }
            guard now() - token.createdAt < .seconds(token.expiresInSeconds) else { throw .ticketExpired }
            state.tokens[index].status = .accepted
            let session = Session(id: ClerkIdentifiers.make("sess_"), clientID: ClerkIdentifiers.make("client_"), userID: token.userID)
            state.sessions.append(session)
            return session
        }
    }

    /// Every session opened.
    var allSessions: [Session] { state.withLock { $0.sessions } }
}
