import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SimulatorKit
import StrictJSON

/// A stand-in for Clerk: the Backend API calls Telegate makes (users, metadata, sign-in tokens) and the Frontend
/// API call a Mini App makes with a ticket (`POST /v1/client/sign_ins`), on one port.
///
/// It enforces Clerk's contract as the pinned OpenAPI files state it: request bodies are validated against the
/// spec's schemas and unknown parameters refused; the secret key is required; the instance's identifier rules
/// apply; duplicates answer `422 form_identifier_exists` in Clerk's error shape; sign-in tokens default to 30 days
/// and are single use; the Backend API is rate-limited (1000 requests per 10 s, `429` with `Retry-After`).
/// Faults and per-operation call counts come from ``SimulatorControl``; of its misbehaviours, `create_user`
/// acts out `duplicate` and `foreignAccount`, and `list_users`, `get_user`, `update_user`, `update_metadata` and
/// `sign_in_token` act out `foreignAccount` (another user's account in the answer, nothing changed for the
/// requested one); `GET /_simulator/clerk/sign_in_tokens`
/// lists the tokens created (with their lifetimes, without the tokens themselves);
/// `PUT /_simulator/clerk/rate_limit` changes the rate limit for benchmarks; `PUT /_simulator/clerk/instance`
/// changes the identifier rules (``instanceSettings(from:)``).
public struct ClerkSimulator: ProviderSimulator {
    public static let kind = "clerk"
    public static let summary = "Clerk Backend API users and sign-in tokens, and Frontend API ticket sign-in"

    /// One request the simulator received on the Backend API, as sent.
    public struct RecordedRequest: Sendable {
        /// The operation (`create_user`, `list_users`, `sign_in_token`, …).
        public let operation: String
        public let method: String
        public let path: String
        /// Query parameters, in order, percent-decoded.
        public let query: [(name: String, value: String)]
        /// The JSON body, when there was one.
        public let body: JSONValue?
        /// The `Clerk-API-Version` header.
        public let apiVersion: String?
    }

    public let control = SimulatorControl()
    let instance: ClerkInstance
    private let rateLimit: ClerkRateLimit
    private let recorded = ClerkRequestLog()

    /// A simulator of an instance set up with `settings`; sign-in tokens expire by `now` (tests move it by hand).
    public init(
        settings: ClerkInstanceSettings, now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.instance = ClerkInstance(settings: settings, now: now)
        self.rateLimit = ClerkRateLimit(limit: settings.rateLimit, window: settings.rateWindow)
    }

    /// A production-like instance with username sign-in and the default secret key.
    public init() {
        self.init(settings: ClerkInstanceSettings())
    }

    /// The Backend API secret key the instance accepts.
    public var acceptedCredentials: [SimulatorCredential] {
        [SimulatorCredential("secretKey", instance.settings.secretKey, note: "Backend API secret key")]
    }

    /// The API version whose schemas the simulator enforces.
    public static var apiVersion: String { ClerkContract.apiVersion }

    /// Every Backend API request received, oldest first.
    public var recordedRequests: [RecordedRequest] { recorded.all }

    /// Users as `(id, external_id, username)`.
    public var users: [(id: String, externalID: String?, username: String?)] {
        instance.allUsers.map { ($0.id, $0.externalID, $0.username) }
    }

    /// The user `id` as Clerk's `User` JSON.
    public func user(_ id: String) -> JSONValue? { instance.user(id)?.json }

    /// Deletes a user behind Telegate's back, as an admin in the Clerk dashboard would.
    @discardableResult
    public func deleteUser(_ id: String) -> Bool { instance.deleteUser(id) }

    /// Sign-in tokens created, as `(id, user id, expires_in_seconds, status)`.
    public var signInTokens: [(id: String, userID: String, expiresInSeconds: Int64, status: String)] {
        instance.allSignInTokens.map { ($0.id, $0.userID, $0.expiresInSeconds, $0.status.rawValue) }
    }

    /// The tokens themselves, for tests proving they never reach logs.
    public var signInTokenValues: [String] { instance.allSignInTokens.map(\.token) }

    /// Changes the Backend API rate limit (Clerk's is 1000 requests per 10 s), as
    /// `PUT /_simulator/clerk/rate_limit {"requests": N, "seconds": S}` does.
    public func setRateLimit(requests: Int, per window: Duration) {
        rateLimit.reset(limit: requests, window: window)
    }

    /// Sessions opened by ticket sign-ins, as `(session id, user id)`.
    public var sessions: [(id: String, userID: String)] { instance.allSessions.map { ($0.id, $0.userID) } }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        control.addRoutes(to: router)
        router.get("/_simulator/clerk/sign_in_tokens") { _, _ in
            let tokens = instance.allSignInTokens.map { token in
                JSONValue.object([
                    ("id", .string(token.id)), ("user_id", .string(token.userID)), ("status", .string(token.status.rawValue)),
                    ("expires_in_seconds", .integer(token.expiresInSeconds)),
                ])
            }
            return SimulatorControl.json(JSONValue.array(tokens).serialized)
        }
        SimulatorControl.addRateLimitRoute(to: router, kind: "clerk") { setRateLimit(requests: $0, per: $1) }
        router.put("/_simulator/clerk/instance") { request, _ in
            let bytes = try await request.body.collect(upTo: 4096)
            guard let body = try? JSONValue.parse(Array(bytes.readableBytesView)),
                let (identifiers, passwordEnabled) = Self.instanceSettings(from: body)
            else {
                return SimulatorControl.json(
                    #"{"error":"send {\"identifiers\": {\"username\": \"required\"|\"optional\"|\"off\", …}, \"passwordEnabled\": true|false}"}"#,
                    status: .badRequest)
            }
            instance.reconfigure(identifiers: identifiers, passwordEnabled: passwordEnabled)
            return Response(status: .noContent)
        }
        backend(router, .post, "/v1/users", "create_user") { _, _, body in
            switch control.misbehaviour("create_user") {
            case .duplicate:
                throw ClerkErrorBody.identifierExists("external_id")
            case .foreignAccount:
                return (.ok, instance.foreignUser(notOwnedBy: body?["external_id"]?.stringValue).json)
            case .wrongAudience, .unknownKey, .expiredToken, nil:
                return (.ok, try instance.createUser(body ?? .object([])).json)
            }
        }
        backend(router, .get, "/v1/users", "list_users") { request, _, _ in
            let query = request.uri.queryParameters
            let limit = query["limit"].flatMap { Int($0) } ?? 10
            let offset = query["offset"].flatMap { Int($0) } ?? 0
            guard (1...500).contains(limit), offset >= 0 else { throw ClerkErrorBody.invalid("limit", "must be between 1 and 500") }
            let externalIDs = query[values: "external_id"].map(String.init)
            guard externalIDs.count <= 100 else { throw ClerkErrorBody.invalid("external_id", "accepts up to 100 values") }
            if control.misbehaviour("list_users") == .foreignAccount {
                return (.ok, .array([instance.foreignUser(notOwnedBy: externalIDs.first).json]))
            }
            let users = instance.users(
                externalIDs: externalIDs, usernames: query[values: "username"].map(String.init),
                userIDs: query[values: "user_id"].map(String.init), limit: limit, offset: offset)
            return (.ok, .array(users.map(\.json)))
        }
        backend(router, .get, "/v1/users/:user_id", "get_user") { _, context, _ in
            let id = context.parameters.get("user_id") ?? ""
            if let foreign = foreignUser("get_user", insteadOf: id) { return (.ok, foreign.json) }
            guard let user = instance.user(id) else { throw ClerkErrorBody.notFound("user") }
            return (.ok, user.json)
        }
        backend(router, .patch, "/v1/users/:user_id", "update_user") { _, context, body in
            let id = context.parameters.get("user_id") ?? ""
            if let foreign = foreignUser("update_user", insteadOf: id) { return (.ok, foreign.json) }
            return (.ok, try instance.updateUser(id, body ?? .object([])).json)
        }
        backend(router, .delete, "/v1/users/:user_id", "delete_user") { _, context, _ in
            let id = context.parameters.get("user_id") ?? ""
            guard instance.deleteUser(id) else { throw ClerkErrorBody.notFound("user") }
            return (.ok, .object([("object", .string("user")), ("id", .string(id)), ("deleted", .bool(true))]))
        }
        backend(router, .patch, "/v1/users/:user_id/metadata", "update_metadata") { _, context, body in
            let id = context.parameters.get("user_id") ?? ""
            if let foreign = foreignUser("update_metadata", insteadOf: id) { return (.ok, foreign.json) }
            return (.ok, try instance.mergeMetadata(id, body ?? .object([])).json)
        }
        backend(router, .post, "/v1/sign_in_tokens", "sign_in_token") { _, _, body in
            let requested = body?["user_id"]?.stringValue ?? ""
            let token = try instance.createSignInToken(
                userID: foreignUser("sign_in_token", insteadOf: requested)?.id ?? requested,
                expiresInSeconds: body?["expires_in_seconds"]?.integerValue)
            return (.ok, token.json)
        }
        backend(router, .post, "/v1/sign_in_tokens/:sign_in_token_id/revoke", "revoke_sign_in_token") { _, context, _ in
            (.ok, try instance.revokeSignInToken(context.parameters.get("sign_in_token_id") ?? "").json)
        }
        router.post("/v1/client/sign_ins") { request, _ in
            try await control.handle("fapi_sign_in") { try await signIn(request) }
        }
        router.on("/v1/client/sign_ins", method: .options) { request, _ in
            var response = Response(status: .noContent)
            Self.allowOrigin(of: request, on: &response)
            response.headers[.accessControlAllowMethods] = "POST"
            response.headers[.accessControlAllowHeaders] = "Content-Type"
            return response
        }
        return router
    }

    /// Reads `{"identifiers": {"username": "required", "email_address": "optional", "phone_number": "off"},
    /// "passwordEnabled": true}`; identifiers not named are off.
    static func instanceSettings(from body: JSONValue)
        -> ([ClerkInstanceSettings.Identifier: ClerkInstanceSettings.Requirement], Bool)?
    {
        guard let members = body["identifiers"]?.objectMembers, let passwordEnabled = body["passwordEnabled"]?.boolValue else {
            return nil
        }
        var identifiers: [ClerkInstanceSettings.Identifier: ClerkInstanceSettings.Requirement] = [:]
        for member in members {
            guard let identifier = ClerkInstanceSettings.Identifier(rawValue: member.key) else { return nil }
            switch member.value.stringValue {
            case "required": identifiers[identifier] = .required
            case "optional": identifiers[identifier] = .optional
            case "off": identifiers[identifier] = .off
            default: return nil
            }
        }
        return (identifiers, passwordEnabled)
    }

    /// Somebody else's user, when this call of `operation` is told to answer about a foreign account
    /// (``SimulatorFault/Misbehaviour/foreignAccount``) instead of user `id`; the call then changes nothing of `id`.
    private func foreignUser(_ operation: String, insteadOf id: String) -> ClerkInstance.User? {
        guard control.misbehaviour(operation) == .foreignAccount else { return nil }
        return instance.foreignUser(notOwnedBy: instance.user(id)?.externalID)
    }

    private typealias BackendHandler = @Sendable (Request, BasicRequestContext, JSONValue?) async throws -> (HTTPResponse.Status, JSONValue)

    /// Registers a Backend API route: counted and faultable, then rate-limited, authenticated, and its body and
    /// query validated against the spec before `handler` runs.
    private func backend(
        _ router: Router<BasicRequestContext>, _ method: HTTPRequest.Method, _ path: RouterPath, _ operation: String,
        _ handler: @escaping BackendHandler
    ) {
        router.on(path, method: method) { request, context in
            try await control.handle(operation) {
                let bytes = try await request.body.collect(upTo: 1 << 20)
                do {
                    if let wait = rateLimit.admit() {
                        var response = ClerkErrorBody(
                            .tooManyRequests, code: "too_many_requests", message: "Too many requests",
                            longMessage: "Too many requests, retry later").response
                        response.headers[.retryAfter] = String(wait)
                        return response
                    }
                    guard request.headers[.authorization] == "Bearer \(instance.settings.secretKey)" else {
                        throw ClerkErrorBody.unauthenticated
                    }
                    let body = try Self.jsonBody(Array(bytes.readableBytesView), request: request, operation: operation)
                    try Self.checkQuery(request, operation: operation)
                    recorded.append(
                        RecordedRequest(
                            operation: operation, method: method.rawValue, path: request.uri.path,
                            query: request.uri.queryParameters.map { (String($0.key), String($0.value)) }, body: body,
                            apiVersion: request.headers[HTTPField.Name("Clerk-API-Version")!]))
                    let (status, json) = try await handler(request, context, body)
                    return SimulatorControl.json(json.serialized, status: status)
                } catch let error as ClerkErrorBody {
                    return error.response
                }
            }
        }
    }

    private static func jsonBody(_ bytes: [UInt8], request: Request, operation: String) throws(ClerkErrorBody) -> JSONValue? {
        guard request.method == .post || request.method == .patch, operation != "revoke_sign_in_token" else { return nil }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw ClerkErrorBody(.badRequest, code: "request_body_invalid", message: "Request body invalid",
                longMessage: "The request body must be application/json.")
        }
        guard let body = try? JSONValue.parse(bytes) else {
            throw ClerkErrorBody(.badRequest, code: "malformed_request_parameters", message: "Malformed request parameters",
                longMessage: "The request body could not be parsed as JSON.")
        }
        if let violation = ClerkContract.body(operation).violations(of: body).first {
            switch violation.kind {
            case .unknownProperty: throw .unknown(violation.path)
            case .missingProperty: throw .missing(violation.path)
            default: throw .invalid(violation.path, violation.message)
            }
        }
        return body
    }

    private static func checkQuery(_ request: Request, operation: String) throws(ClerkErrorBody) {
        let allowed = ClerkContract.queryParameters(operation)
        for parameter in request.uri.queryParameters {
            let name = String(parameter.key)
            guard let schema = allowed.first(where: { $0.key == name })?.value else { throw .unknown(name) }
            if schema["type"]?.stringValue == "integer", Int(parameter.value) == nil { throw .invalid(name, "must be an integer") }
        }
    }

    // MARK: Frontend API

    private func signIn(_ request: Request) async throws -> Response {
        var response: Response
        do {
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
                throw ClerkErrorBody(.badRequest, code: "request_body_invalid", message: "Request body invalid",
                    longMessage: "The request body must be form-urlencoded.")
            }
            let bytes = try await request.body.collect(upTo: 64 * 1024)
            var form: [(key: String, value: JSONValue)] = []
            for part in String(buffer: bytes).split(separator: "&") {
                let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func decoded(_ text: Substring) throws(ClerkErrorBody) -> String {
                    guard let value = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                        throw ClerkErrorBody(.badRequest, code: "malformed_request_parameters", message: "Malformed request parameters")
                    }
                    return value
                }
                form.append((try decoded(pair[0]), .string(pair.count > 1 ? try decoded(pair[1]) : "")))
            }
            if let violation = ClerkContract.body("fapi_sign_in").violations(of: .object(form)).first {
                throw violation.kind == .unknownProperty ? ClerkErrorBody.unknown(violation.path) : .invalid(violation.path, violation.message)
            }
            let fields = JSONValue.object(form)
            guard let strategy = fields["strategy"]?.stringValue else { throw ClerkErrorBody.missing("strategy") }
            guard strategy == "ticket" else {
                throw ClerkErrorBody.invalid("strategy", "is not supported by this simulator; use ticket")
            }
            guard let ticket = fields["ticket"]?.stringValue, !ticket.isEmpty else { throw ClerkErrorBody.missing("ticket") }
            let session = try instance.signIn(ticket: ticket)
            response = SimulatorControl.json(Self.signInBody(session).serialized)
        } catch let error as ClerkErrorBody {
            response = error.response
        }
        Self.allowOrigin(of: request, on: &response)
        return response
    }

    /// Clerk's Frontend API answers browsers on the app's origins with credentials.
    private static func allowOrigin(of request: Request, on response: inout Response) {
        guard let origin = request.headers[.origin] else { return }
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlAllowCredentials] = "true"
        response.headers[.vary] = "Origin"
    }

    /// `Client.ClientWrappedSignIn`: the completed sign-in and the client holding its new session.
    private static func signInBody(_ session: ClerkInstance.Session) -> JSONValue {
        let signIn = JSONValue.object([
            ("object", .string("sign_in")), ("id", .string(ClerkIdentifiers.make("sia_"))), ("status", .string("complete")),
            ("supported_identifiers", .array([])), ("supported_first_factors", .array([])),
            ("supported_second_factors", .null), ("first_factor_verification", .null),
            ("second_factor_verification", .null), ("identifier", .null), ("user_data", .null),
            ("created_session_id", .string(session.id)), ("abandon_at", .integer(0)),
        ])
        let client = JSONValue.object([
            ("object", .string("client")), ("id", .string(session.clientID)),
            ("sessions", .array([.object([
                ("object", .string("session")), ("id", .string(session.id)), ("status", .string("active")),
                ("user", .object([("id", .string(session.userID))])),
            ])])),
            ("sign_in", .null), ("sign_up", .null), ("last_active_session_id", .string(session.id)),
        ])
        return .object([("response", signIn), ("client", client)])
    }
}
