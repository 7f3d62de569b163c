import Logging
import ProviderKit
import StrictJSON
import TelegateCore

/// The Supabase Auth admin calls the adapter makes, through the shared ``UpstreamClient`` (deadlines, retries for
/// idempotent calls, breaker, `429`/`5xx`/`401`/`403` mapping). Supabase's answers are read here and never passed
/// on: only Telegate's own messages reach clients, and only Supabase's `error_code`s reach the logs. Users come back
/// as ``ProviderAccount``s (owner key: the user id Telegate fixed); `generate_link` returns a sealed
/// ``ProviderAnswer`` naming the user Supabase made the link for.
struct SupabaseAdminAPI: Sendable {
    /// A one-time email token `generate_link` made.
    struct EmailLink: Sendable {
        let hashedToken: String
        let verificationType: String
    }

    /// `generate_link`'s answer: the token sealed with the user it is for, and the email of that user when
    /// Supabase signed it up just now (`verification_type: signup`: it had no user with this email).
    struct MagicLink: Sendable {
        let link: ProviderAnswer<EmailLink>
        let signedUpEmail: String?
    }

    private let client: UpstreamClient
    private let settings: SupabaseSettings
    private let logger: Logger

    init(client: UpstreamClient, settings: SupabaseSettings, logger: Logger) {
        self.client = client
        self.settings = settings
        self.logger = logger
    }

    private var headers: [(name: String, value: String)] {
        [("apikey", settings.serviceRoleKey), ("Authorization", "Bearer \(settings.serviceRoleKey)"), ("Accept", "application/json")]
    }

    private func url(_ path: String) -> String { settings.url + "/auth/v1" + path }

    /// `POST /admin/users`. Not retried: a lost answer is resolved by the lookup of the fixed id.
    func createUser(_ body: JSONValue) async throws -> SupabaseUserCreationAnswer {
        let response = try await client.send(
            .json(.POST, url("/admin/users"), body, headers: headers, idempotent: false, operation: "create_user"))
        switch response.status {
        case 200, 201:
            return .created(try account(in: response.json(provider: "Supabase")))
        case 422 where errorCode(in: response) == "email_exists":
            return .emailExists
        case 422 where errorCode(in: response) == "user_already_exists":
            return .idExists
        default:
            throw unexpected(response, operation: "create_user")
        }
    }

    /// `GET /admin/users/{id}`: the user, or `nil` when Supabase has none with this id.
    func user(id: String) async throws -> ProviderAccount? {
        let response = try await client.send(
            UpstreamRequest(.GET, url("/admin/users/\(id)"), headers: headers, idempotent: true, operation: "get_user"))
        switch response.status {
        case 200: return try account(in: response.json(provider: "Supabase"))
        case 404: return nil
        default: throw unexpected(response, operation: "get_user")
        }
    }

    /// `PUT /admin/users/{id}` for the linked user; `nil` when Supabase has no such user, otherwise the answer
    /// naming the user Supabase says it updated.
    func update(_ linked: LinkedProviderUser, _ body: JSONValue) async throws -> ProviderAnswer<Void>? {
        let response = try await client.send(
            .json(.PUT, url("/admin/users/\(linked.accountID)"), body, headers: headers, idempotent: true, operation: "update_user"))
        switch response.status {
        case 200: return ProviderAnswer((), about: try account(in: response.json(provider: "Supabase")).id)
        case 404: return nil
        default: throw unexpected(response, operation: "update_user")
        }
    }

    /// `POST /admin/generate_link {"type": "magiclink", "email": …}`: no email is sent; the answer is sealed with
    /// the `id` of the user Supabase made the link for (a new user, when it no longer had one with this email).
    func magicLink(email: String) async throws -> MagicLink {
        let body = JSONValue.object([("type", .string("magiclink")), ("email", .string(email))])
        let response = try await client.send(
            .json(.POST, url("/admin/generate_link"), body, headers: headers, idempotent: false, operation: "generate_link"))
        guard response.status == 200 else { throw unexpected(response, operation: "generate_link") }
        let json = try response.json(provider: "Supabase")
        guard let hashedToken = json["hashed_token"]?.stringValue, !hashedToken.isEmpty,
            let verificationType = json["verification_type"]?.stringValue, ["magiclink", "signup"].contains(verificationType)
        else { throw TelegateError.upstreamInvalidResponse("Supabase") }
        let user = try account(in: json)
        return MagicLink(
            link: ProviderAnswer(EmailLink(hashedToken: hashedToken, verificationType: verificationType), about: user.id),
            signedUpEmail: verificationType == "signup" ? json["email"]?.stringValue?.lowercased() : nil)
    }

    /// `DELETE /admin/users/{id}`; a user Supabase no longer has counts as deleted.
    func deleteUser(id: String) async throws {
        guard let uuid = Self.userID(id) else { return }
        let response = try await client.send(
            UpstreamRequest(.DELETE, url("/admin/users/\(uuid)"), headers: headers, idempotent: true, operation: "delete_user"))
        guard response.status == 200 || response.status == 404 else { throw unexpected(response, operation: "delete_user") }
    }

    /// `GET /admin/users?per_page=1`: the key is accepted and Supabase answers.
    func ping() async throws {
        let response = try await client.send(
            UpstreamRequest(.GET, url("/admin/users?page=1&per_page=1"), headers: headers, idempotent: true, operation: "list_users"))
        guard response.status == 200, (try response.json(provider: "Supabase"))["users"]?.arrayElements != nil else {
            throw unexpected(response, operation: "list_users")
        }
    }

    /// A Supabase `User` as the linker checks it: its id is its owner key.
    private func account(in user: JSONValue) throws -> ProviderAccount {
        guard let id = user["id"]?.stringValue.flatMap(Self.userID) else {
            throw TelegateError.upstreamInvalidResponse("Supabase")
        }
        return ProviderAccount(id: id, owner: id)
    }

    /// A Supabase user id as Telegate writes it: a UUID in lowercase; `nil` for anything else.
    static func userID(_ text: String) -> String? {
        let lowercased = text.lowercased()
        let groups = lowercased.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12], lowercased.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { return nil }
        return lowercased
    }

    private func errorCode(in response: UpstreamResponse) -> String? {
        (try? response.json(provider: "Supabase"))?["error_code"]?.stringValue
    }

    private func unexpected(_ response: UpstreamResponse, operation: String) -> TelegateError {
        logger.warning(
            "Supabase answered unexpectedly",
            metadata: ["operation": "\(operation)", "status": "\(response.status)", "supabase_error": "\(errorCode(in: response) ?? "-")"])
        if (400..<500).contains(response.status) {
            return TelegateError.adapterMisconfigured("Supabase", "it refused the \(operation) request (HTTP \(response.status))")
        }
        return TelegateError.upstreamInvalidResponse("Supabase")
    }
}

/// Supabase's answer to a user creation.
enum SupabaseUserCreationAnswer: Sendable, Equatable {
    case created(ProviderAccount)
    /// `422 email_exists`: some user already has the email.
    case emailExists
    /// `422 user_already_exists`: a user already has the id.
    case idExists
}
