import Logging
import ProviderKit
import StrictJSON
import TelegateCore

/// Logto users as ``ProviderUserLinker`` finds and creates them: one user per local user, keyed by its username
/// (Logto refuses a duplicate), carrying the `telegram` social identity and `customData.telegram`.
///
/// The username is the owner key the linker checks in every user Logto returns. Logto cannot search by identity,
/// so a lookup searches the exact username; once the linker has verified the user, ``adopt(_:for:)`` checks the
/// identity: the same Telegram id is this user's; a user Telegate created whose identity was not attached yet (just
/// created, or a crash or failure between the two calls, recognised by `customData.telegram.id`) gets it attached;
/// anything else is `409 provider_identity_conflict`.
struct LogtoUserDirectory: ProviderUserDirectory {
    /// The identity target (`PUT /api/users/{id}/identities/telegram`).
    static let identityTarget = "telegram"

    let api: LogtoManagementAPI
    let username: UsernameTemplate
    let logger: Logger

    func owner(of user: UserRecord) -> String {
        username.render(user.telegramID)
    }

    func create(for user: UserRecord) async throws -> ProviderUserCreation {
        var body: [(key: String, value: JSONValue)] = [("username", .string(owner(of: user)))]
        body += Self.profileMembers(user.profile)
        var telegram: [(key: String, value: JSONValue)] = [("id", .integer(user.telegramID))]
        if let handle = user.profile.username { telegram.append(("username", .string(handle))) }
        body.append(("customData", .object([("telegram", .object(telegram))])))
        let response = try await api.send(.POST, "/api/users", body: .object(body), idempotent: false, operation: "create_user")
        switch response.status {
        case 200, 201:
            return .created(try Self.account(response.json(provider: "Logto")))
        case 422 where LogtoManagementAPI.errorCode(response) == "user.username_already_in_use":
            return .alreadyExists
        default:
            throw refused(response, operation: "create_user")
        }
    }

    func find(for user: UserRecord) async throws -> ProviderAccount? {
        let name = owner(of: user)
        let query = "search.username=\(UpstreamRequest.formEncoded(name))&mode.username=exact&isCaseSensitive=true"
        let response = try await api.send(.GET, "/api/users?" + query, idempotent: true, operation: "search_users")
        guard response.status == 200 else { throw refused(response, operation: "search_users") }
        guard let users = try response.json(provider: "Logto").arrayElements else { throw TelegateError.upstreamInvalidResponse("Logto") }
        // An exact, case-sensitive search answers this user or none; whatever Logto answers, the linker checks.
        return try users.first.map(Self.account)
    }

    func adopt(_ account: VerifiedProviderAccount, for user: UserRecord) async throws {
        let identity = account.record["identities"]?[Self.identityTarget]?["userId"]?.stringValue
        if identity == String(user.telegramID) { return }
        guard identity == nil, account.record["customData"]?["telegram"]?["id"]?.integerValue == user.telegramID else {
            throw TelegateError.logtoIdentityConflict()
        }
        try await attachIdentity(to: account.id, for: user)
    }

    /// `DELETE /api/users/{id}`; a user Logto no longer has counts as deleted.
    func delete(_ id: String) async throws {
        let response = try await api.send(
            .DELETE, "/api/users/\(UpstreamRequest.formEncoded(id))", idempotent: true, operation: "delete_user")
        guard response.status == 204 || response.status == 200 || response.status == 404 else {
            throw refused(response, operation: "delete_user")
        }
    }

    /// Sends the profile's name and photo to the linked Logto user; the answer names the user Logto updated.
    func updateProfile(of linked: LinkedProviderUser, to profile: UserProfile) async throws -> ProviderAnswer<Void> {
        let response = try await api.send(
            .PATCH, "/api/users/\(UpstreamRequest.formEncoded(linked.accountID))", body: .object(Self.profileMembers(profile)),
            idempotent: true, operation: "update_user")
        guard response.status == 200 else { throw refused(response, operation: "update_user") }
        return ProviderAnswer((), about: try Self.account(response.json(provider: "Logto")).id)
    }

    /// A Logto user as the linker checks it: its id, its username, and the user itself for ``adopt(_:for:)``.
    private static func account(_ user: JSONValue) throws -> ProviderAccount {
        guard let id = user["id"]?.stringValue, !id.isEmpty else { throw TelegateError.upstreamInvalidResponse("Logto") }
        return ProviderAccount(id: id, owner: user["username"]?.stringValue, record: user)
    }

    /// The profile fields Logto keeps: `name` and `avatar` (a URL).
    static func profileMembers(_ profile: UserProfile) -> [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = []
        if !profile.displayName.isEmpty { members.append(("name", .string(profile.displayName))) }
        if let photo = profile.photoURL, photo.hasPrefix("https://") { members.append(("avatar", .string(photo))) }
        return members
    }

    private func attachIdentity(to id: String, for user: UserRecord) async throws {
        var details: [(key: String, value: JSONValue)] = [("id", .string(String(user.telegramID)))]
        if let handle = user.profile.username { details.append(("username", .string(handle))) }
        if !user.profile.displayName.isEmpty { details.append(("name", .string(user.profile.displayName))) }
        let response = try await api.send(
            .PUT, "/api/users/\(UpstreamRequest.formEncoded(id))/identities/\(Self.identityTarget)",
            body: .object([("userId", .string(String(user.telegramID))), ("details", .object(details))]),
            // Putting the same identity again replaces it with itself.
            idempotent: true, operation: "add_identity")
        switch response.status {
        case 200, 201: return
        case 422 where LogtoManagementAPI.errorCode(response) == "user.identity_already_in_use":
            throw TelegateError.logtoIdentityConflict()
        default:
            throw refused(response, operation: "add_identity")
        }
    }

    /// An answer the adapter has no use for: only Logto's error `code` is logged, never the body.
    private func refused(_ response: UpstreamResponse, operation: String) -> TelegateError {
        logger.warning(
            "Logto refused a Management API call",
            metadata: [
                "operation": "\(operation)", "status": "\(response.status)",
                "code": "\(LogtoManagementAPI.errorCode(response)?.prefix(64) ?? "none")",
            ])
        return TelegateError.upstreamInvalidResponse("Logto")
    }
}
