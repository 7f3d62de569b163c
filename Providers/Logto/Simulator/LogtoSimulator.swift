import HTTPTypes
import Hummingbird
import NIOCore
import SimulatorKit
import StrictJSON

/// A stand-in for a Logto tenant: the Management API calls Telegate makes (users, identities, subject tokens,
/// organization members), `client_credentials` for the Management API, and the token-exchange grant issuing
/// RFC 9068 access tokens signed with ES384 (or RS256), published at `/oidc/jwks`.
///
/// Every call is counted per operation and can be faulted (``SimulatorControl``). A fault replaces the answer
/// after the tenant acted, as when a response is lost on the way back: a faulted token exchange has consumed its
/// subject token. Of the misbehaviours, `create_user` acts out `duplicate` and `foreignAccount`, and
/// `search_users`, `get_user`, `update_user`, `subject_token` and `token_exchange` act out `foreignAccount`
/// (somebody else's user in the answer, or the token issued for them).
public struct LogtoSimulator: ProviderSimulator {
    public static let kind = "logto"
    public static let summary = "Logto: Management API, subject tokens, token exchange with ES384 at+jwt tokens"

    public let control: SimulatorControl
    /// The tenant's state, for tests.
    public let tenant: LogtoTenant
    private let signer: LogtoSigningKey

    /// The development tenant (``LogtoSimulatorConfiguration/development``).
    public init() {
        try! self.init(configuration: .development)  // Generating a P-384 key cannot fail.
    }

    /// A tenant with `configuration`.
    public init(configuration: LogtoSimulatorConfiguration) throws {
        self.control = SimulatorControl()
        self.tenant = LogtoTenant(configuration: configuration)
        self.signer = try LogtoSigningKey(configuration.signingAlgorithm)
    }

    /// The tenant's Management API resource, applications and API resource, as an adapter configures them.
    public var acceptedCredentials: [SimulatorCredential] { tenant.configuration.adapterCredentials }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/oidc/token") { request, context in
            let body = try await Self.body(request)
            let fields = request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
                ? SimulatorFormInput.form(body) : nil
            let operation = fields?["grant_type"] == LogtoTenant.tokenExchangeGrant ? "token_exchange" : "m2m_token"
            return try await respond(operation) { () throws(LogtoSimulatorError) in
                guard let fields else { throw .oauth(.badRequest, "invalid_request", "the body must be a form without repeated parameters") }
                return Self.json(
                    try tenant.token(
                        fields, authorization: request.headers[.authorization], issuer: Self.issuer(request), signer: signer,
                        namingAnotherUser: operation == "token_exchange" && control.misbehaviour(operation) == .foreignAccount))
            }
        }
        router.get("/oidc/jwks") { _, _ in
            try await respond("jwks") { () throws(LogtoSimulatorError) in Self.json(.object([("keys", .array([signer.jwk]))])) }
        }
        router.get("/oidc/.well-known/openid-configuration") { request, _ in
            try await respond("discovery") { () throws(LogtoSimulatorError) in
                let issuer = Self.issuer(request)
                return Self.json(
                    .object([
                        ("issuer", .string(issuer)), ("jwks_uri", .string(issuer + "/jwks")),
                        ("token_endpoint", .string(issuer + "/token")),
                        ("grant_types_supported", .array([.string("client_credentials"), .string(LogtoTenant.tokenExchangeGrant)])),
                        ("id_token_signing_alg_values_supported", .array([.string(signer.algorithm.rawValue)])),
                    ]))
            }
        }
        router.post("/api/users") { request, _ in
            let body = try await Self.body(request)
            return try await management("create_user", request) { () throws(LogtoSimulatorError) in
                let fields = try LogtoRequestInput.object(body, contentType: request.headers[.contentType], allowed: Self.createUserKeys)
                switch control.misbehaviour("create_user") {
                case .duplicate:
                    throw .api(.unprocessableContent, "user.username_already_in_use", "This username is already in use.")
                case .foreignAccount:
                    return Self.json(LogtoTenant.json(tenant.foreignUser(username: fields["username"]?.stringValue)))
                case .wrongAudience, .unknownKey, .expiredToken, nil:
                    return Self.json(try tenant.createUser(fields))
                }
            }
        }
        router.get("/api/users") { request, _ in
            try await management("search_users", request) { () throws(LogtoSimulatorError) in
                guard let query = SimulatorFormInput.pairs(request.uri.query ?? "") else { throw .invalidInput("malformed query") }
                var (page, total) = try tenant.searchUsers(query)
                if control.misbehaviour("search_users") == .foreignAccount {
                    let searched = query.first { $0.name == "search.username" }?.value
                    (page, total) = ([LogtoTenant.json(tenant.foreignUser(username: searched))], 1)
                }
                var response = Self.json(.array(page))
                response.headers[HTTPField.Name("Total-Number")!] = String(total)
                return response
            }
        }
        router.get("/api/users/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await management("get_user", request) { () throws(LogtoSimulatorError) in
                if let foreign = foreignUser("get_user", insteadOf: id) { return Self.json(foreign) }
                return Self.json(try tenant.getUser(id))
            }
        }
        router.patch("/api/users/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            let body = try await Self.body(request)
            return try await management("update_user", request) { () throws(LogtoSimulatorError) in
                let fields = try LogtoRequestInput.object(body, contentType: request.headers[.contentType], allowed: Self.updateUserKeys)
                if let foreign = foreignUser("update_user", insteadOf: id) { return Self.json(foreign) }
                return Self.json(try tenant.updateUser(id, fields))
            }
        }
        router.delete("/api/users/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await management("delete_user", request) { () throws(LogtoSimulatorError) in
                try tenant.deleteUser(id)
                return Response(status: .noContent)
            }
        }
        router.put("/api/users/:id/identities/:target") { request, context in
            let (id, target) = (context.parameters.get("id") ?? "", context.parameters.get("target") ?? "")
            let body = try await Self.body(request)
            return try await management("add_identity", request) { () throws(LogtoSimulatorError) in
                let fields = try LogtoRequestInput.object(body, contentType: request.headers[.contentType], allowed: ["userId", "details"])
                let (created, identities) = try tenant.putIdentity(id, target: target, fields)
                return Self.json(identities, status: created ? .created : .ok)
            }
        }
        router.post("/api/subject-tokens") { request, _ in
            let body = try await Self.body(request)
            return try await management("subject_token", request) { () throws(LogtoSimulatorError) in
                var fields = try LogtoRequestInput.object(
                    body, contentType: request.headers[.contentType], allowed: ["userId", "context"])
                if let requested = fields["userId"]?.stringValue,
                    let foreign = foreignUser("subject_token", insteadOf: requested)
                {
                    fields["userId"] = foreign["id"]
                }
                return Self.json(try tenant.createSubjectToken(fields), status: .created)
            }
        }
        router.post("/api/organizations/:id/users") { request, context in
            let organization = context.parameters.get("id") ?? ""
            let body = try await Self.body(request)
            return try await management("add_organization_members", request) { () throws(LogtoSimulatorError) in
                let fields = try LogtoRequestInput.object(body, contentType: request.headers[.contentType], allowed: ["userIds"])
                try tenant.addMembers(organization: organization, fields)
                return Response(status: .created)
            }
        }
        control.addRoutes(to: router)
        return router
    }

    /// The keys `POST /api/users` accepts.
    static let createUserKeys: Set<String> = [
        "primaryPhone", "primaryEmail", "username", "password", "passwordDigest", "passwordAlgorithm", "name", "avatar",
        "customData", "profile",
    ]
    /// The keys `PATCH /api/users/{id}` accepts.
    static let updateUserKeys: Set<String> = ["username", "primaryEmail", "primaryPhone", "name", "avatar", "customData", "profile"]

    /// Somebody else's user, when this call of `operation` is told to answer about a foreign account
    /// (``SimulatorFault/Misbehaviour/foreignAccount``) instead of user `id`; the call then changes nothing of `id`.
    private func foreignUser(_ operation: String, insteadOf id: String) -> JSONValue? {
        guard control.misbehaviour(operation) == .foreignAccount else { return nil }
        return LogtoTenant.json(tenant.foreignUser(excluding: id))
    }

    /// Runs `work` (the tenant acts), then lets a fault replace its answer.
    private func respond(_ operation: String, _ work: () throws(LogtoSimulatorError) -> Response) async throws -> Response {
        let response: Response
        do {
            response = try work()
        } catch {
            response = error.response
        }
        return try await control.handle(operation) { response }
    }

    /// A Management API call: the bearer token is checked first.
    private func management(_ operation: String, _ request: Request, _ work: () throws(LogtoSimulatorError) -> Response)
        async throws -> Response
    {
        try await respond(operation) { () throws(LogtoSimulatorError) in
            try tenant.authorize(request.headers[.authorization])
            return try work()
        }
    }

    /// `http://<host>/oidc`, the issuer as the caller addressed the tenant.
    static func issuer(_ request: Request) -> String {
        "http://\(request.head.authority ?? "127.0.0.1")/oidc"
    }

    private static func body(_ request: Request) async throws -> [UInt8] {
        Array(try await request.body.collect(upTo: 1 << 16).readableBytesView)
    }

    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.serializedBytes)))
    }
}
