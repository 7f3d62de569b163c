import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SimulatorKit
import StrictJSON

/// A stand-in for Supabase Auth (`/auth/v1`): the admin calls Telegate makes (create, get, update and delete a
/// user; `generate_link`) and the calls a Mini App makes with the credential (`/verify`, the refresh grant of
/// `/token`, `/user`), on one port; and the custom OIDC provider route: `POST /admin/custom-providers` (the
/// issuer's discovery fetched and checked at creation) and the ID-token sign-in `/token?grant_type=id_token` that
/// `supabase.auth.signInWithIdToken` sends.
///
/// It applies Supabase Auth's rules: every request needs an `apikey`; admin calls need the secret key as `apikey`
/// and as `Authorization: Bearer`; a given user `id` must be a UUID (Supabase parses any version, and refuses the
/// nil UUID); a user needs an email or a phone; a
/// duplicate email is `422 email_exists`; a `magiclink` for an unknown email silently becomes a `signup` that
/// creates the user; a `hashed_token` completes `/verify` once, before the OTP expiry, and a newer one for the same
/// user replaces it; access tokens are HS256 JWTs (`sub` = user id, `role` and `aud` = `authenticated`); refresh
/// tokens rotate. Errors have Supabase's body `{code, error_code, msg}`; each client IP (`X-Forwarded-For`, else
/// the connection) is limited per window (`429 over_request_rate_limit`). Faults and per-operation call counts come
/// from ``SimulatorControl``; `create_user` acts out `duplicate` and `foreignAccount`, and `get_user`,
/// `update_user` and `generate_link` act out `foreignAccount` (another user's account in the answer, nothing
/// changed for the requested one).
///
/// The ID-token sign-in follows Supabase Auth's `IdTokenGrant`: the `custom:` provider must be registered and
/// enabled; the token is checked against the issuer's JWKS (fetched over HTTP; loopback allowed here, unlike the
/// hosted service), `iss` and `exp`; `sub` is required; `aud` must contain the client id or one of
/// `acceptable_client_ids`; unless `skip_nonce_check`, the token's `nonce` must be the lowercase hex SHA-256 of the
/// `nonce` parameter, both present or both absent. Failures are `400 {"error", "error_description"}` in Supabase's
/// words. The user holding the identity (provider, `sub`) signs in, or a new one (a new UUID) is created.
public struct SupabaseSimulator: ProviderSimulator {
    public static let kind = "supabase"
    public static let summary =
        "Supabase Auth admin users and generate_link, custom OIDC providers, and the /verify, /token (refresh, id_token) and /user a front end calls"

    public let control = SimulatorControl()
    let project: SupabaseProject
    private let rateLimit: SupabaseRateLimit
    private let accessTokens: SupabaseAccessToken
    private let issuers = SupabaseOIDCIssuer(client: .shared)

    /// A simulator of a project set up with `settings`; tokens expire by `now` (Unix seconds; tests move it).
    public init(
        settings: SupabaseProjectSettings,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.project = SupabaseProject(settings: settings, now: now)
        self.rateLimit = SupabaseRateLimit(limit: settings.rateLimit, window: settings.rateWindow)
        self.accessTokens = SupabaseAccessToken(secret: settings.jwtSecret)
    }

    /// A new hosted project with the default keys.
    public init() {
        self.init(settings: SupabaseProjectSettings())
    }

    public var acceptedCredentials: [SimulatorCredential] {
        [
            SimulatorCredential("serviceRoleKey", project.settings.serviceRoleKey, note: "secret key for the admin API"),
            SimulatorCredential("anonKey", project.settings.anonKey, note: "publishable key for supabase-js in the front end"),
        ]
    }

    /// Users as `(id, email)`.
    public var users: [(id: String, email: String?)] { project.allUsers.map { ($0.id, $0.email) } }

    /// The user `id` as Supabase's `User` JSON.
    public func user(_ id: String) -> JSONValue? { project.user(id)?.json }

    /// Deletes a user behind Telegate's back, as an admin in the Supabase dashboard would.
    @discardableResult
    public func deleteUser(_ id: String) -> Bool { project.deleteUser(id) }

    /// Every one-time token (`hashed_token`) issued, for tests proving they never reach logs.
    public var issuedEmailTokens: [String] { project.issuedEmailTokens }

    /// Sessions opened, as `(session id, user id)`.
    public var sessions: [(id: String, userID: String)] { project.allSessions.map { ($0.id, $0.userID) } }

    /// Changes the per-IP rate limit, as `PUT /_simulator/supabase/rate_limit {"requests": N, "seconds": S}` does.
    public func setRateLimit(requests: Int, per window: Duration) {
        rateLimit.reset(limit: requests, window: window)
    }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        // Browsers on any origin may call, as through Supabase's gateway.
        router.add(middleware: SupabaseCORS())
        control.addRoutes(to: router)
        SimulatorControl.addRateLimitRoute(to: router, kind: "supabase") { setRateLimit(requests: $0, per: $1) }
        auth(router, .post, "/auth/v1/admin/users", "create_user", admin: true) { _, _, body in
            switch control.misbehaviour("create_user") {
            case .duplicate:
                throw SupabaseErrorBody.emailExists
            case .foreignAccount:
                return (.ok, project.foreignUser(notHaving: body["email"]?.stringValue?.lowercased()).json)
            case .wrongAudience, .unknownKey, .expiredToken, nil:
                return (.ok, try project.createUser(body).json)
            }
        }
        auth(router, .get, "/auth/v1/admin/users", "list_users", admin: true) { request, _, _ in
            let query = request.uri.queryParameters
            let page = max(1, query["page"].flatMap { Int($0) } ?? 1)
            let perPage = min(1000, max(1, query["per_page"].flatMap { Int($0) } ?? 50))
            let users = project.allUsers.dropFirst((page - 1) * perPage).prefix(perPage)
            return (.ok, .object([("users", .array(users.map(\.json))), ("aud", .string("authenticated"))]))
        }
        auth(router, .get, "/auth/v1/admin/users/:user_id", "get_user", admin: true) { _, context, _ in
            let id = try Self.userID(context)
            if control.misbehaviour("get_user") == .foreignAccount {
                return (.ok, project.foreignUser(notHaving: project.user(id)?.email).json)
            }
            guard let user = project.user(id) else { throw SupabaseErrorBody.userNotFound }
            return (.ok, user.json)
        }
        auth(router, .put, "/auth/v1/admin/users/:user_id", "update_user", admin: true) { _, context, body in
            let id = try Self.userID(context)
            if control.misbehaviour("update_user") == .foreignAccount {
                guard let user = project.user(id) else { throw SupabaseErrorBody.userNotFound }
                return (.ok, project.foreignUser(notHaving: user.email).json)
            }
            return (.ok, try project.updateUser(id, body).json)
        }
        auth(router, .delete, "/auth/v1/admin/users/:user_id", "delete_user", admin: true) { _, context, _ in
            guard project.deleteUser(try Self.userID(context)) else { throw SupabaseErrorBody.userNotFound }
            return (.ok, .object([]))
        }
        auth(router, .post, "/auth/v1/admin/generate_link", "generate_link", admin: true) { _, _, body in
            let link = try project.generateLink(
                type: body["type"]?.stringValue ?? "", email: body["email"], data: body["data"],
                foreign: control.misbehaviour("generate_link") == .foreignAccount)
            let redirect = body["redirect_to"]?.stringValue ?? "http://localhost:3000"
            var members = link.user.json.objectMembers ?? []
            members += [
                ("action_link", .string("/auth/v1/verify?token=\(link.hashedToken)&type=\(link.verificationType)&redirect_to=\(redirect)")),
                ("email_otp", .string(link.otp)), ("hashed_token", .string(link.hashedToken)),
                ("verification_type", .string(link.verificationType)), ("redirect_to", .string(redirect)),
            ]
            return (.ok, .object(members))
        }
        auth(router, .post, "/auth/v1/admin/custom-providers", "create_custom_provider", admin: true) { _, _, body in
            let parameters = try SupabaseCustomProvider.Parameters(body)
            guard project.customProvider(parameters.identifier) == nil else {
                throw SupabaseErrorBody(.badRequest, "conflict", "A custom OAuth provider with this identifier already exists")
            }
            let discovery = try await issuers.discovery(
                url: SupabaseCustomProvider.discoveryURL(issuer: parameters.issuer, discoveryURL: parameters.discoveryURL),
                expectedIssuer: parameters.issuer)
            let provider = SupabaseCustomProvider(
                id: UUID().uuidString.lowercased(), identifier: parameters.identifier, name: parameters.name,
                clientID: parameters.clientID, acceptableClientIDs: parameters.acceptableClientIDs, issuer: parameters.issuer,
                discoveryURL: parameters.discoveryURL, skipNonceCheck: parameters.skipNonceCheck,
                emailOptional: parameters.emailOptional, enabled: parameters.enabled, createdAt: project.now(), discovery: discovery)
            try project.addCustomProvider(provider)
            return (.created, provider.json)
        }
        auth(router, .get, "/auth/v1/admin/custom-providers", "list_custom_providers", admin: true) { _, _, _ in
            (.ok, .object([("providers", .array(project.allCustomProviders.map(\.json)))]))
        }
        auth(router, .post, "/auth/v1/verify", "verify", admin: false) { _, _, body in
            guard let tokenHash = body["token_hash"]?.stringValue, !tokenHash.isEmpty else {
                throw SupabaseErrorBody.validation("Verify requires either a token or a token hash")
            }
            let (user, session) = try project.verify(type: body["type"]?.stringValue ?? "", tokenHash: tokenHash)
            return (.ok, sessionBody(user, session, method: "otp"))
        }
        auth(router, .post, "/auth/v1/token", "token", admin: false) { request, _, body in
            switch request.uri.queryParameters["grant_type"] {
            case "refresh_token":
                guard let refreshToken = body["refresh_token"]?.stringValue, !refreshToken.isEmpty else {
                    throw SupabaseErrorBody.refreshTokenNotFound
                }
                let (user, session) = try project.refresh(refreshToken)
                return (.ok, sessionBody(user, session, method: "otp"))
            case "id_token":
                let (user, session) = try await idTokenGrant(body)
                return (.ok, sessionBody(user, session, method: "oauth"))
            default:
                throw SupabaseErrorBody(.badRequest, "unsupported_grant_type", "unsupported_grant_type")
            }
        }
        auth(router, .get, "/auth/v1/user", "get_session_user", admin: false) { request, _, _ in
            guard let bearer = Self.bearer(request) else { throw SupabaseErrorBody.noAuthorization }
            guard let claims = accessTokens.verify(bearer, now: project.now()) else { throw SupabaseErrorBody.badJWT }
            guard let user = project.user(claims["sub"]?.stringValue ?? "") else {
                throw SupabaseErrorBody(.forbidden, "user_not_found", "User from sub claim in JWT does not exist")
            }
            return (.ok, user.json)
        }
        return router
    }

    /// `POST /token?grant_type=id_token {id_token, provider, nonce?}`, checked in the order Supabase Auth checks.
    private func idTokenGrant(_ body: JSONValue) async throws -> (SupabaseProject.User, SupabaseProject.Session) {
        let idToken = body["id_token"]?.stringValue ?? ""
        let providerName = body["provider"]?.stringValue ?? ""
        let nonce = body["nonce"]?.stringValue ?? ""
        guard !idToken.isEmpty else { throw SupabaseOAuthError.invalidRequest("id_token required") }
        guard !providerName.isEmpty else { throw SupabaseOAuthError.invalidRequest("provider or client_id and issuer required") }
        guard providerName.hasPrefix("custom:") else {
            throw SupabaseErrorBody.validation("Custom OIDC provider \"\(providerName)\" not allowed")
        }
        guard let provider = project.customProvider(providerName) else {
            throw SupabaseErrorBody.validation("Custom provider \"\(providerName)\" not found")
        }
        guard provider.enabled else {
            throw SupabaseErrorBody(.badRequest, "provider_disabled", "Custom provider \"\(providerName)\" is disabled")
        }
        guard let claims = await issuers.verifiedClaims(idToken, discovery: provider.discovery, now: project.now()) else {
            throw SupabaseOAuthError.badIDToken
        }
        guard let subject = claims["sub"]?.stringValue, !subject.isEmpty else {
            throw SupabaseOAuthError.invalidRequest("Missing sub claim in id_token")
        }
        let audiences = claims["aud"].map { $0.arrayElements?.compactMap(\.stringValue) ?? [$0.stringValue].compactMap { $0 } } ?? []
        guard provider.audiences.contains(where: { !$0.isEmpty && audiences.contains($0) }) else {
            throw SupabaseOAuthError.invalidRequest("Unacceptable audience in id_token: [\(audiences.joined(separator: " "))]")
        }
        if !provider.skipNonceCheck {
            let tokenNonce = claims["nonce"]?.stringValue ?? ""
            guard tokenNonce.isEmpty == nonce.isEmpty else { throw SupabaseOAuthError.nonceOneSided }
            if !nonce.isEmpty {
                let hash = SHA256.hash(data: Array(nonce.utf8)).map { String(format: "%02x", $0) }.joined()
                guard hash == tokenNonce else { throw SupabaseOAuthError.nonceMismatch }
            }
        }
        return try project.signIn(provider: provider, claims: claims)
    }

    /// A session answer: an HS256 access token for the user (`amr` names `method`), the rotated refresh token and the
    /// user.
    private func sessionBody(_ user: SupabaseProject.User, _ session: SupabaseProject.Session, method: String) -> JSONValue {
        let issued = project.now()
        let expiry = issued + project.settings.jwtExpiry
        let claims = JSONValue.object([
            ("aud", .string("authenticated")), ("exp", .integer(expiry)), ("iat", .integer(issued)),
            ("iss", .string("/auth/v1")), ("sub", .string(user.id)), ("email", .string(user.email ?? "")),
            ("phone", .string(user.phone ?? "")), ("app_metadata", user.appMetadata), ("user_metadata", user.userMetadata),
            ("role", .string("authenticated")), ("aal", .string("aal1")),
            ("amr", .array([.object([("method", .string(method)), ("timestamp", .integer(issued))])])),
            ("session_id", .string(session.id)), ("is_anonymous", .bool(false)),
        ])
        return .object([
            ("access_token", .string(accessTokens.sign(claims))), ("token_type", .string("bearer")),
            ("expires_in", .integer(project.settings.jwtExpiry)), ("expires_at", .integer(expiry)),
            ("refresh_token", .string(session.refreshToken)), ("user", user.json),
        ])
    }

    private typealias Handler = @Sendable (Request, BasicRequestContext, JSONValue) async throws -> (HTTPResponse.Status, JSONValue)

    /// Registers a route: counted and faultable, then rate-limited per client IP, its keys checked and its JSON body
    /// read before `handler` runs.
    private func auth(
        _ router: Router<BasicRequestContext>, _ method: HTTPRequest.Method, _ path: RouterPath, _ operation: String,
        admin: Bool, _ handler: @escaping Handler
    ) {
        router.on(path, method: method) { request, context in
            try await control.handle(operation) {
                let bytes = try await request.body.collect(upTo: 1 << 20)
                do {
                    let address = request.headers[HTTPField.Name("X-Forwarded-For")!]?.split(separator: ",").first
                        .map { $0.trimmingCharacters(in: .whitespaces) } ?? "direct"
                    guard rateLimit.admit(address) else { throw SupabaseErrorBody.overRequestRateLimit }
                    let settings = project.settings
                    guard let apiKey = request.headers[HTTPField.Name("apikey")!] else {
                        return SimulatorControl.json(#"{"message":"No API key found in request"}"#, status: .unauthorized)
                    }
                    guard apiKey == settings.serviceRoleKey || apiKey == settings.anonKey else {
                        return SimulatorControl.json(#"{"message":"Invalid API key"}"#, status: .unauthorized)
                    }
                    if admin {
                        guard let bearer = Self.bearer(request) else { throw SupabaseErrorBody.noAuthorization }
                        guard bearer == settings.serviceRoleKey, apiKey == settings.serviceRoleKey else { throw SupabaseErrorBody.notAdmin }
                    }
                    var body = JSONValue.object([])
                    if method == .post || method == .put, !bytes.readableBytesView.isEmpty {
                        guard let parsed = try? JSONValue.parse(Array(bytes.readableBytesView)), parsed.objectMembers != nil else {
                            throw SupabaseErrorBody.badJSON
                        }
                        body = parsed
                    }
                    let (status, json) = try await handler(request, context, body)
                    return SimulatorControl.json(json.serialized, status: status)
                } catch let error as SupabaseErrorBody {
                    return error.response
                } catch let error as SupabaseOAuthError {
                    return error.response
                }
            }
        }
    }

    private static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// The `{id}` path parameter, which must be a UUID.
    private static func userID(_ context: BasicRequestContext) throws(SupabaseErrorBody) -> String {
        guard let id = context.parameters.get("user_id"), let uuid = UUID(uuidString: id) else {
            throw SupabaseErrorBody(.notFound, "user_not_found", "User not found")
        }
        return uuid.uuidString.lowercased()
    }
}
