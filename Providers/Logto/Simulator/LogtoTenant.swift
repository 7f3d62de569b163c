import Foundation
import StrictJSON
import Synchronization

/// The state of a simulated Logto tenant — users, identities, roles, organization members, subject tokens and
/// issued Management API tokens — and the Management API's rules over it.
public final class LogtoTenant: Sendable {
    struct User {
        var id: String
        var username: String?
        var primaryEmail: String?
        var primaryPhone: String?
        var name: String?
        var avatar: String?
        var customData: JSONValue = .object([])
        var profile: JSONValue = .object([])
        /// target → (userId at the provider, details).
        var identities: [(target: String, userId: String, details: JSONValue)] = []
        var roles: Set<String> = []
        var createdAt: Int64
        var updatedAt: Int64
    }

    struct SubjectToken {
        let userID: String
        let expiresAt: Int64
        var consumed: Bool
    }

    struct State {
        var users: [User] = []
        var subjectTokens: [String: SubjectToken] = [:]
        /// Management API tokens → expiry.
        var managementTokens: [String: Int64] = [:]
        var members: [String: Set<String>] = [:]
        var clockOffset: Int64 = 0
        var reusedSubjectTokens = 0
    }

    let configuration: LogtoSimulatorConfiguration
    let state = Mutex(State())

    /// Logto's username rule, `^[A-Z_a-z]\\w*$`.
    static func isValidUsername(_ text: String) -> Bool {
        let letters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
        guard let first = text.first, letters.contains(first) else { return false }
        return text.allSatisfy { letters.contains($0) || ("0"..."9").contains($0) }
    }
    /// The fields `GET /api/users` searches (Logto's `userSearchKeys`).
    static let searchableFields: Set<String> = ["id", "primaryEmail", "primaryPhone", "username", "name"]

    init(configuration: LogtoSimulatorConfiguration) {
        self.configuration = configuration
    }

    // MARK: Test hooks

    /// The tenant's clock, in Unix seconds.
    public var now: Int64 { Int64(Date().timeIntervalSince1970) + state.withLock { $0.clockOffset } }

    /// Moves the tenant's clock forward (to expire subject tokens and Management API tokens).
    public func advanceClock(by seconds: Int64) { state.withLock { $0.clockOffset += seconds } }

    /// How many users exist.
    public var userCount: Int { state.withLock { $0.users.count } }

    /// The user with `username`, as the Management API shows it.
    public func user(username: String) -> JSONValue? {
        state.withLock { state in state.users.first { $0.username == username }.map(Self.json) }
    }

    /// Revokes every Management API token issued so far (as a rotated secret or revoked grant does).
    public func revokeManagementTokens() { state.withLock { $0.managementTokens.removeAll() } }

    /// How many times a consumed subject token was presented again.
    public var reusedSubjectTokens: Int { state.withLock { $0.reusedSubjectTokens } }

    // MARK: Management API

    /// Checks the `Authorization: Bearer` of a Management API call.
    func authorize(_ header: String?) throws(LogtoSimulatorError) {
        guard let header, header.hasPrefix("Bearer ") else { throw .unauthorized }
        let token = String(header.dropFirst(7))
        let now = now
        guard let expiry = state.withLock({ $0.managementTokens[token] }), now < expiry else { throw .unauthorized }
    }

    /// `POST /api/users`.
    func createUser(_ body: [String: JSONValue]) throws(LogtoSimulatorError) -> JSONValue {
        if body["password"] != nil, body["passwordDigest"] != nil {
            throw .api(.badRequest, "user.password_and_digest", "The password and password digest cannot be set at the same time.")
        }
        var user = User(id: LogtoRandom.id(length: 12), createdAt: now * 1000, updatedAt: now * 1000)
        try apply(body, to: &user)
        user.roles = Set(configuration.roles.filter(\.isDefault).map(\.name))
        return try state.withLock { state throws(LogtoSimulatorError) in
            try Self.checkUnique(user, in: state.users)
            state.users.append(user)
            for organization in configuration.organizations where organization.joinsNewUsers {
                state.members[organization.id, default: []].insert(user.id)
            }
            return Self.json(user)
        }
    }

    /// `PATCH /api/users/{id}`.
    func updateUser(_ id: String, _ body: [String: JSONValue]) throws(LogtoSimulatorError) -> JSONValue {
        let now = now
        return try state.withLock { state throws(LogtoSimulatorError) in
            guard let index = state.users.firstIndex(where: { $0.id == id }) else { throw .notFound("user", id) }
            var user = state.users[index]
            try apply(body, to: &user)
            user.updatedAt = now * 1000
            try Self.checkUnique(user, in: state.users)
            state.users[index] = user
            return Self.json(user)
        }
    }

    /// `GET /api/users/{id}`.
    func getUser(_ id: String) throws(LogtoSimulatorError) -> JSONValue {
        try state.withLock { state throws(LogtoSimulatorError) in
            guard let user = state.users.first(where: { $0.id == id }) else { throw .notFound("user", id) }
            return Self.json(user)
        }
    }

    /// `DELETE /api/users/{id}`.
    func deleteUser(_ id: String) throws(LogtoSimulatorError) {
        try state.withLock { state throws(LogtoSimulatorError) in
            guard let index = state.users.firstIndex(where: { $0.id == id }) else { throw .notFound("user", id) }
            state.users.remove(at: index)
            for key in state.members.keys { state.members[key]?.remove(id) }
        }
    }

    /// A user other than user `id` and other than the one named `username`, for a tenant told to answer about
    /// somebody else's account: the oldest such user, or a new one made for the purpose.
    func foreignUser(excluding id: String? = nil, username: String? = nil) -> User {
        let now = now
        return state.withLock { state in
            if let other = state.users.first(where: { $0.id != id && ($0.username == nil || $0.username != username) }) {
                return other
            }
            var stranger = User(id: LogtoRandom.id(length: 12), createdAt: now * 1000, updatedAt: now * 1000)
            stranger.username = "stranger_" + LogtoRandom.id(length: 8)
            state.users.append(stranger)
            return stranger
        }
    }

    /// `GET /api/users?search…`: `search.<field>=v` with `mode.<field>=exact|like`, `joint=and|or`,
    /// `isCaseSensitive`, `page`, `page_size`; a plain `search=v` matches any searchable field. Returns the page
    /// and the total.
    func searchUsers(_ query: [(name: String, value: String)]) throws(LogtoSimulatorError) -> (page: [JSONValue], total: Int) {
        var terms: [(field: String?, value: String)] = []
        var modes: [String: String] = [:]
        var joint = "or"
        var caseSensitive = false
        var page = 1
        var pageSize = 20
        for (name, value) in query {
            if name == "search" {
                terms.append((nil, value))
            } else if name.hasPrefix("search.") {
                let field = String(name.dropFirst(7))
                guard Self.searchableFields.contains(field) else { throw .invalidInput("\(field.prefix(40)) is not searchable") }
                terms.append((field, value))
            } else if name.hasPrefix("mode.") {
                guard ["exact", "like", "similar_to", "posix"].contains(value) else { throw .invalidInput("unknown search mode") }
                modes[String(name.dropFirst(5))] = value
            } else if name == "joint" {
                guard value == "and" || value == "or" else { throw .invalidInput("joint must be and or or") }
                joint = value
            } else if name == "isCaseSensitive" {
                caseSensitive = value == "true"
            } else if name == "page", let number = Int(value), number >= 1 {
                page = number
            } else if name == "page_size", let number = Int(value), (1...100).contains(number) {
                pageSize = number
            } else {
                throw .invalidInput("unsupported query parameter \(name.prefix(40))")
            }
        }
        let users = state.withLock { $0.users }
        let matching = users.filter { user in
            guard !terms.isEmpty else { return true }
            let results = terms.map { term in
                let fields = term.field.map { [$0] } ?? Array(Self.searchableFields)
                return fields.contains { field in
                    Self.matches(Self.field(field, of: user), term.value, mode: modes[field] ?? "like", caseSensitive: caseSensitive)
                }
            }
            return joint == "and" ? results.allSatisfy { $0 } : results.contains(true)
        }
        let start = min((page - 1) * pageSize, matching.count)
        return (matching[start..<min(start + pageSize, matching.count)].map(Self.json), matching.count)
    }

    /// `PUT /api/users/{id}/identities/{target}`: whether the target was new, and the identities.
    func putIdentity(_ id: String, target: String, _ body: [String: JSONValue]) throws(LogtoSimulatorError) -> (created: Bool, identities: JSONValue) {
        guard let providerUserID = body["userId"]?.stringValue, !providerUserID.isEmpty else { throw .invalidInput("userId is required") }
        let details = body["details"] ?? .object([])
        guard details.objectMembers != nil else { throw .invalidInput("details must be an object") }
        return try state.withLock { state throws(LogtoSimulatorError) in
            guard let index = state.users.firstIndex(where: { $0.id == id }) else { throw .notFound("user", id) }
            if state.users.contains(where: { other in
                other.id != id && other.identities.contains { $0.target == target && $0.userId == providerUserID }
            }) {
                throw .api(.unprocessableContent, "user.identity_already_in_use", "The social identity has been linked to another user.")
            }
            let existing = state.users[index].identities.firstIndex { $0.target == target }
            let identity = (target: target, userId: providerUserID, details: details)
            if let existing { state.users[index].identities[existing] = identity } else { state.users[index].identities.append(identity) }
            return (existing == nil, Self.identitiesJSON(state.users[index]))
        }
    }

    /// `POST /api/subject-tokens`.
    func createSubjectToken(_ body: [String: JSONValue]) throws(LogtoSimulatorError) -> JSONValue {
        guard let userID = body["userId"]?.stringValue else { throw .invalidInput("userId is required") }
        if let context = body["context"], context.objectMembers == nil { throw .invalidInput("context must be an object") }
        let expiresAt = now + configuration.subjectTokenTTL
        return try state.withLock { state throws(LogtoSimulatorError) in
            guard state.users.contains(where: { $0.id == userID }) else { throw .notFound("user", userID) }
            let token = "sub_" + LogtoRandom.id(length: 21)
            state.subjectTokens[token] = SubjectToken(userID: userID, expiresAt: expiresAt, consumed: false)
            return .object([("subjectToken", .string(token)), ("expiresIn", .integer(configuration.subjectTokenTTL))])
        }
    }

    /// `POST /api/organizations/{id}/users` with `{"userIds": [...]}`.
    func addMembers(organization: String, _ body: [String: JSONValue]) throws(LogtoSimulatorError) {
        guard configuration.organizations.contains(where: { $0.id == organization }) else { throw .notFound("organization", organization) }
        guard let ids = body["userIds"]?.arrayElements?.compactMap(\.stringValue), !ids.isEmpty else {
            throw .invalidInput("userIds must be a non-empty list of user ids")
        }
        try state.withLock { state throws(LogtoSimulatorError) in
            for id in ids where !state.users.contains(where: { $0.id == id }) { throw .notFound("user", id) }
            state.members[organization, default: []].formUnion(ids)
        }
    }

    // MARK: Rules

    private func apply(_ body: [String: JSONValue], to user: inout User) throws(LogtoSimulatorError) {
        for (key, value) in body {
            switch key {
            case "username":
                guard let text = value.stringValue, Self.isValidUsername(text) else {
                    throw .invalidInput("username must match ^[A-Z_a-z]\\w*$")
                }
                user.username = text
            case "primaryEmail":
                guard let text = value.stringValue, text.contains("@") else { throw .invalidInput("primaryEmail must be an email") }
                user.primaryEmail = text
            case "primaryPhone":
                guard let text = value.stringValue, text.allSatisfy(\.isNumber) else { throw .invalidInput("primaryPhone must be digits") }
                user.primaryPhone = text
            case "name":
                guard value == .null || value.stringValue != nil else { throw .invalidInput("name must be a string or null") }
                user.name = value.stringValue
            case "avatar":
                guard value == .null || value.stringValue == "" || value.stringValue.flatMap(URL.init(string:))?.scheme?.hasPrefix("http") == true
                else { throw .invalidInput("avatar must be a URL or an empty string") }
                user.avatar = value.stringValue
            case "customData":
                guard value.objectMembers != nil else { throw .invalidInput("customData must be an object") }
                user.customData = value
            case "profile":
                guard value.objectMembers != nil else { throw .invalidInput("profile must be an object") }
                user.profile = value
            case "password", "passwordDigest", "passwordAlgorithm":
                guard value.stringValue != nil else { throw .invalidInput("\(key) must be a string") }
            default:
                throw .invalidInput("unrecognized key: \"\(key.prefix(40))\"")
            }
        }
    }

    private static func checkUnique(_ user: User, in users: [User]) throws(LogtoSimulatorError) {
        let others = users.filter { $0.id != user.id }
        if let username = user.username, others.contains(where: { $0.username?.lowercased() == username.lowercased() }) {
            throw .api(.unprocessableContent, "user.username_already_in_use", "This username is already in use.")
        }
        if let email = user.primaryEmail, others.contains(where: { $0.primaryEmail?.lowercased() == email.lowercased() }) {
            throw .api(.unprocessableContent, "user.email_already_in_use", "This email is associated with an existing account.")
        }
        if let phone = user.primaryPhone, others.contains(where: { $0.primaryPhone == phone }) {
            throw .api(.unprocessableContent, "user.phone_already_in_use", "This phone number is associated with an existing account.")
        }
    }

    private static func field(_ name: String, of user: User) -> String? {
        switch name {
        case "id": user.id
        case "primaryEmail": user.primaryEmail
        case "primaryPhone": user.primaryPhone
        case "username": user.username
        case "name": user.name
        default: nil
        }
    }

    private static func matches(_ value: String?, _ term: String, mode: String, caseSensitive: Bool) -> Bool {
        guard var value else { return false }
        var term = term
        if !caseSensitive {
            value = value.lowercased()
            term = term.lowercased()
        }
        switch mode {
        case "exact": return value == term
        default:
            // `like` without wildcards matches anywhere (Logto wraps the term in `%`).
            let parts = term.split(separator: "%", omittingEmptySubsequences: true)
            return parts.isEmpty || parts.allSatisfy { value.contains($0) }
        }
    }

    static func json(_ user: User) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            ("id", .string(user.id)), ("username", text(user.username)), ("primaryEmail", text(user.primaryEmail)),
            ("primaryPhone", text(user.primaryPhone)), ("name", text(user.name)), ("avatar", text(user.avatar)),
            ("customData", user.customData), ("identities", identitiesJSON(user)), ("lastSignInAt", .null),
            ("createdAt", .integer(user.createdAt)), ("updatedAt", .integer(user.updatedAt)), ("profile", user.profile),
            ("applicationId", .null), ("isSuspended", .bool(false)), ("hasPassword", .bool(false)),
        ])
    }

    static func identitiesJSON(_ user: User) -> JSONValue {
        .object(user.identities.map { (key: $0.target, value: JSONValue.object([("userId", .string($0.userId)), ("details", $0.details)])) })
    }
}
