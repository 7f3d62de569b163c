import Logging
import ProviderKit
import StrictJSON
import TelegateCore

/// The Clerk Backend API calls the adapter makes, through the shared ``UpstreamClient`` (deadlines, retries for
/// idempotent calls, breaker, `429`/`5xx`/`401` mapping). Clerk's answers are read here and never passed on:
/// only Telegate's own messages reach clients, and only Clerk's error `code`s reach the logs. Users come back as
/// ``ProviderAccount``s (owner key: `external_id`) for the linker to verify; calls for a linked user take the
/// ``LinkedProviderUser`` and return a sealed ``ProviderAnswer`` naming the user Clerk answered about.
struct ClerkBackendAPI: Sendable {
    /// A sign-in token Clerk created.
    struct SignInToken: Sendable {
        let id: String
        let token: String
    }

    private let client: UpstreamClient
    private let settings: ClerkSettings
    private let logger: Logger

    init(client: UpstreamClient, settings: ClerkSettings, logger: Logger) {
        self.client = client
        self.settings = settings
        self.logger = logger
    }

    private var headers: [(name: String, value: String)] {
        [("Authorization", "Bearer \(settings.secretKey)"), ("Clerk-API-Version", settings.apiVersion), ("Accept", "application/json")]
    }

    private func url(_ path: String) -> String { settings.apiURL + "/v1" + path }

    /// `POST /v1/users`. Not retried: Clerk has no idempotency key, so a lost answer is resolved by the lookup.
    func createUser(_ body: JSONValue) async throws -> ClerkUserCreationAnswer {
        let response = try await client.send(
            .json(.POST, url("/users"), body, headers: headers, idempotent: false, operation: "create_user"))
        switch response.status {
        case 200, 201:
            return .created(try account(in: response.json(provider: "Clerk")))
        case 400, 422:
            let codes = errors(in: response)
            if let duplicate = codes.first(where: { $0.code == "form_identifier_exists" }) {
                return .duplicate(parameter: duplicate.parameter)
            }
            logger.warning("Clerk refused to create a user", metadata: ["clerk_errors": "\(codes.map(\.code))"])
            throw TelegateError.adapterMisconfigured(
                "Clerk", "it refused to create the user; check the instance's required identifiers and the adapter's username and skipUserRequirement")
        default:
            throw unexpected(response, operation: "create_user")
        }
    }

    /// `GET /v1/users?external_id=…`: the user Clerk finds for this external id, if any.
    func user(externalID: String) async throws -> ProviderAccount? {
        let response = try await client.send(
            UpstreamRequest(
                .GET, url("/users?external_id=\(Self.percentEncoded(externalID))&limit=2"), headers: headers,
                idempotent: true, operation: "find_user"))
        guard response.status == 200 else { throw unexpected(response, operation: "find_user") }
        guard let users = try response.json(provider: "Clerk").arrayElements else {
            throw TelegateError.upstreamInvalidResponse("Clerk")
        }
        return try users.first.map(account)
    }

    /// `POST /v1/sign_in_tokens` for the linked user, with the configured lifetime; `nil` when Clerk has no such
    /// user. The token is sealed with the `user_id` Clerk says it is for.
    func signInToken(for linked: LinkedProviderUser) async throws -> ProviderAnswer<SignInToken>? {
        let body = JSONValue.object([
            ("user_id", .string(linked.accountID)), ("expires_in_seconds", .integer(settings.ticketTTL)),
        ])
        let response = try await client.send(
            .json(.POST, url("/sign_in_tokens"), body, headers: headers, idempotent: false, operation: "sign_in_token"))
        switch response.status {
        case 200, 201:
            let json = try response.json(provider: "Clerk")
            guard let id = json["id"]?.stringValue, let token = json["token"]?.stringValue, !token.isEmpty,
                let userID = json["user_id"]?.stringValue
            else {
                throw TelegateError.upstreamInvalidResponse("Clerk")
            }
            return ProviderAnswer(SignInToken(id: id, token: token), about: userID)
        case 404:
            return nil
        default:
            throw unexpected(response, operation: "sign_in_token")
        }
    }

    /// `DELETE /v1/users/{id}`; a user Clerk no longer has counts as deleted.
    func deleteUser(userID: String) async throws {
        let response = try await client.send(
            UpstreamRequest(.DELETE, url("/users/\(Self.percentEncoded(userID))"), headers: headers, idempotent: true, operation: "delete_user"))
        guard response.status == 200 || response.status == 404 else { throw unexpected(response, operation: "delete_user") }
    }

    /// `PATCH /v1/users/{id}/metadata` (from API version 2026-05-12 the only endpoint that changes metadata) or
    /// `PATCH /v1/users/{id}` for names, for the linked user; `nil` when Clerk has no such user, otherwise the
    /// answer naming the user Clerk says it updated.
    func update(_ linked: LinkedProviderUser, metadata: Bool, _ body: JSONValue) async throws -> ProviderAnswer<Void>? {
        let path = "/users/\(Self.percentEncoded(linked.accountID))" + (metadata ? "/metadata" : "")
        let operation = metadata ? "update_metadata" : "update_user"
        let response = try await client.send(
            .json(.PATCH, url(path), body, headers: headers, idempotent: true, operation: operation))
        switch response.status {
        case 200: return ProviderAnswer((), about: try account(in: response.json(provider: "Clerk")).id)
        case 404: return nil
        default: throw unexpected(response, operation: operation)
        }
    }

    /// `GET /v1/users?limit=1`: the key is accepted and Clerk answers.
    func ping() async throws {
        let response = try await client.send(
            UpstreamRequest(.GET, url("/users?limit=1"), headers: headers, idempotent: true, operation: "list_users"))
        guard response.status == 200, (try response.json(provider: "Clerk")).arrayElements != nil else {
            throw unexpected(response, operation: "list_users")
        }
    }

    /// A Clerk `User` as the linker checks it: its id and its `external_id`.
    private func account(in user: JSONValue) throws -> ProviderAccount {
        guard let id = user["id"]?.stringValue, id.hasPrefix("user_") else { throw TelegateError.upstreamInvalidResponse("Clerk") }
        return ProviderAccount(id: id, owner: user["external_id"]?.stringValue)
    }

    private func errors(in response: UpstreamResponse) -> [(code: String, parameter: String?)] {
        let body = try? response.json(provider: "Clerk")
        return (body?["errors"]?.arrayElements ?? []).compactMap { error in
            error["code"]?.stringValue.map { ($0, error["meta"]?["param_name"]?.stringValue) }
        }
    }

    private func unexpected(_ response: UpstreamResponse, operation: String) -> TelegateError {
        logger.warning(
            "Clerk answered unexpectedly",
            metadata: ["operation": "\(operation)", "status": "\(response.status)", "clerk_errors": "\(errors(in: response).map(\.code))"])
        if (400..<500).contains(response.status) {
            return TelegateError.adapterMisconfigured("Clerk", "it refused the \(operation) request (HTTP \(response.status))")
        }
        return TelegateError.upstreamInvalidResponse("Clerk")
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                encoded += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return encoded
    }
}

/// Clerk's answer to a user creation.
enum ClerkUserCreationAnswer: Sendable, Equatable {
    case created(ProviderAccount)
    /// `422 form_identifier_exists` for `parameter` (`external_id`, `username`; `nil` when Clerk named none).
    case duplicate(parameter: String?)
}
