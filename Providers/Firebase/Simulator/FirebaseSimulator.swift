import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SimulatorKit
import StrictJSON

/// A stand-in for Firebase Authentication: Identity Toolkit's `accounts:signInWithCustomToken`, the secure-token
/// API's refresh, and the JWKS Firebase ID tokens verify with, on one port.
///
/// Custom tokens are checked as Google checks them (``FirebaseCustomTokenRules``) against the project's service
/// account, whose key the simulator generates and hands out (``serviceAccountJSON``); a token signed by a service
/// account of another project is `CREDENTIAL_MISMATCH`. A first sign-in creates the user (`isNewUser`); ID tokens
/// are RS256 with `iss` `https://securetoken.google.com/<project>`, `aud` `<project>`, `sub` = `user_id` = the uid,
/// `firebase.sign_in_provider` `custom` and the developer claims at the top level. Every call needs the project's
/// Web API key as `?key=`. Errors use Google's envelope. Routes are served both at Google's paths
/// (`/v1/accounts:signInWithCustomToken`, `/v1/token`) and under the host names the Firebase JS SDK uses with an
/// emulator (`/identitytoolkit.googleapis.com/v1/…`, `/securetoken.googleapis.com/v1/token`), so
/// `connectAuthEmulator(auth, "<simulator URL>")` reaches it.
///
/// For the adapter's `syncProfile` it also stands in for Google's OAuth token endpoint (`POST /token`, the
/// service account's JWT-bearer grant, ``FirebaseAccessTokens``) and Identity Toolkit's admin `accounts:update`
/// (`POST /v1/projects/<project>[/tenants/<tenant>]/accounts:update`), which needs one of those access tokens
/// (`401` otherwise) instead of the Web API key. Call counts (`sign_in_custom_token`, `refresh_token`, `jwks`,
/// `oauth_token`, `update_account`) and faults come from ``SimulatorControl``.
public struct FirebaseSimulator: ProviderSimulator {
    public static let kind = "firebase"
    public static let summary = "Firebase Authentication custom-token sign-in, secure-token refresh and ID-token JWKS"
    /// Where Google publishes the keys Firebase ID tokens verify with.
    public static let jwksPath = "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"

    public let control = SimulatorControl()
    let project: FirebaseProject
    let accessTokens: FirebaseAccessTokens

    /// A simulator of the project set up with `settings`; custom tokens and ID tokens are timed by `now` (Unix
    /// seconds; tests move it by hand).
    public init(settings: FirebaseProjectSettings, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) throws {
        self.project = try FirebaseProject(settings: settings, now: now)
        self.accessTokens = FirebaseAccessTokens(settings: settings, now: now)
    }

    /// A project `telegate-sim` with a new service account.
    public init() {
        // Generating an RSA key fails only when the system has no randomness, which nothing here can recover from.
        try! self.init(settings: FirebaseProjectSettings())
    }

    /// The project's settings (ids, Web API key, service accounts).
    public var settings: FirebaseProjectSettings { project.settings }

    /// The key JSON of the project's service account: what the adapter's `serviceAccount` refers to.
    public var serviceAccountJSON: String { project.settings.serviceAccount.keyJSON }

    public var acceptedCredentials: [SimulatorCredential] {
        [
            SimulatorCredential(
                "serviceAccount", serviceAccountJSON, note: "save as a file and configure serviceAccount: file:PATH"),
            SimulatorCredential("apiKey", project.settings.apiKey, note: "the Web API key for the Firebase JS SDK's config"),
            SimulatorCredential("projectId", project.settings.projectID, note: "the Firebase JS SDK's projectId"),
        ]
    }

    /// Users as `(uid, tenant)`.
    public var users: [(uid: String, tenantID: String?)] { project.allUsers.map { ($0.uid, $0.tenantID) }.sorted { $0.uid < $1.uid } }

    /// The `displayName` and `photoUrl` of user `uid`, or `nil` if there is no such user.
    public func profile(of uid: String) -> (displayName: String?, photoURL: String?)? {
        project.user(uid).map { ($0.displayName, $0.photoURL) }
    }

    /// Revokes a user's refresh tokens, as `revokeRefreshTokens(uid)` in the Admin SDK; `false` if there is no such user.
    @discardableResult
    public func revokeRefreshTokens(of uid: String) -> Bool { project.revokeTokens(of: uid) }

    /// The JWKS Firebase ID tokens verify with.
    public var jwks: JSONValue { project.jwks }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        control.addRoutes(to: router)
        for path in ["/v1/accounts:signInWithCustomToken", "/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken"] {
            router.post(RouterPath(path)) { request, _ in
                try await control.handle("sign_in_custom_token") { try await signInWithCustomToken(request) }
            }
            router.on(RouterPath(path), method: .options) { request, _ in Self.preflight(request) }
        }
        for path in ["/v1/accounts:lookup", "/identitytoolkit.googleapis.com/v1/accounts:lookup"] {
            router.post(RouterPath(path)) { request, _ in
                try await control.handle("lookup") { try await lookup(request) }
            }
            router.on(RouterPath(path), method: .options) { request, _ in Self.preflight(request) }
        }
        for path in ["/v1/token", "/securetoken.googleapis.com/v1/token"] {
            router.post(RouterPath(path)) { request, _ in
                try await control.handle("refresh_token") { try await refresh(request) }
            }
            router.on(RouterPath(path), method: .options) { request, _ in Self.preflight(request) }
        }
        router.post("/token") { request, _ in
            try await control.handle("oauth_token") { try await token(request) }
        }
        for prefix in ["", "/identitytoolkit.googleapis.com"] {
            for tenantPath in ["", "/tenants/{tenant}"] {
                router.post(RouterPath(prefix + "/v1/projects/{project}" + tenantPath + "/accounts:update")) { request, context in
                    try await control.handle("update_account") {
                        try await updateAccount(
                            request, project: context.parameters.get("project"), tenantID: context.parameters.get("tenant"))
                    }
                }
            }
        }
        router.get(RouterPath(Self.jwksPath)) { _, _ in
            try await control.handle("jwks") { SimulatorControl.json(project.jwks.serialized) }
        }
        return router
    }

    /// Google's APIs let browsers on any origin call them, with the headers the Firebase SDK sends.
    private static func preflight(_ request: Request) -> Response {
        var response = Response(status: .noContent)
        response.headers[.accessControlAllowOrigin] = request.headers[.origin] ?? "*"
        response.headers[.accessControlAllowMethods] = "POST"
        response.headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders] ?? "Content-Type"
        response.headers[.vary] = "Origin"
        return response
    }

    private func signInWithCustomToken(_ request: Request) async throws -> Response {
        try await answer(request) { body throws(FirebaseErrorBody) in
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true,
                let json = try? JSONValue.parse(body), let members = json.objectMembers
            else { throw .identityToolkit("Invalid JSON payload received.") }
            let known = ["token", "returnSecureToken", "tenantId"]
            if let unknown = members.first(where: { !known.contains($0.key) }) {
                throw .identityToolkit("Invalid JSON payload received. Unknown name \"\(unknown.key.prefix(40))\": Cannot find field.")
            }
            if let tenantID = json["tenantId"]?.stringValue, !project.settings.tenants.contains(tenantID) {
                throw .identityToolkit("TENANT_NOT_FOUND")
            }
            return try project.signIn(customToken: json["token"]?.stringValue, tenantID: json["tenantId"]?.stringValue)
        }
    }

    /// Google's OAuth token endpoint: the assertion's `aud` must be this endpoint's URL as the caller reached it.
    private func token(_ request: Request) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 16)
        do throws(FirebaseOAuthError) {
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true,
                let fields = SimulatorFormInput.form(Array(bytes.readableBytesView))
            else { throw FirebaseOAuthError(error: "invalid_request", description: "The request must be form-encoded.") }
            let authority = request.head.authority ?? ""
            return SimulatorControl.json(try accessTokens.issue(fields, audience: "http://\(authority)\(request.uri.path)").serialized)
        } catch {
            return error.response
        }
    }

    /// The admin `accounts:update`, with a service account's access token of this project with the Identity Toolkit
    /// (or Cloud Platform) scope.
    private func updateAccount(_ request: Request, project projectID: String?, tenantID: String?) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 16)
        do throws(FirebaseErrorBody) {
            guard let grant = accessTokens.grant(authorization: request.headers[.authorization]) else { throw .unauthenticated }
            guard projectID == project.settings.projectID, grant.email == project.settings.serviceAccount.email else {
                throw .permissionDenied("The caller does not have permission")
            }
            let scopes: Set = ["https://www.googleapis.com/auth/identitytoolkit", "https://www.googleapis.com/auth/cloud-platform"]
            guard !grant.scopes.isDisjoint(with: scopes) else {
                throw .permissionDenied("Request had insufficient authentication scopes.")
            }
            if let tenantID, !project.settings.tenants.contains(tenantID) { throw .identityToolkit("TENANT_NOT_FOUND") }
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true,
                let body = try? JSONValue.parse(Array(bytes.readableBytesView))
            else { throw .identityToolkit("Invalid JSON payload received.") }
            return SimulatorControl.json(try project.update(body, tenantID: tenantID).serialized)
        } catch {
            return error.response
        }
    }

    private func refresh(_ request: Request) async throws -> Response {
        try await answer(request) { body throws(FirebaseErrorBody) in
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            let fields: [String: String]
            if contentType.hasPrefix("application/x-www-form-urlencoded"), let form = SimulatorFormInput.form(body) {
                fields = form
            } else if contentType.hasPrefix("application/json"), let json = try? JSONValue.parse(body), let members = json.objectMembers {
                fields = Dictionary(members.compactMap { member in member.value.stringValue.map { (member.key, $0) } }) { first, _ in first }
            } else {
                throw .secureToken("INVALID_ARGUMENT")
            }
            return try project.refresh(grantType: fields["grant_type"], refreshToken: fields["refresh_token"])
        }
    }

    /// Identity Toolkit's `accounts:lookup` with `{idToken}`, which the Firebase JS SDK calls with the new ID token
    /// after every sign-in (its user reload); counted as `lookup`.
    private func lookup(_ request: Request) async throws -> Response {
        try await answer(request) { body throws(FirebaseErrorBody) in
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true,
                let json = try? JSONValue.parse(body), json.objectMembers != nil
            else { throw .identityToolkit("Invalid JSON payload received.") }
            return try project.lookup(idToken: json["idToken"]?.stringValue)
        }
    }

    /// Checks the Web API key, reads the body and answers with `handler`'s JSON or Google's error envelope; browsers
    /// on any origin may call (as Google's APIs allow).
    private func answer(_ request: Request, _ handler: ([UInt8]) throws(FirebaseErrorBody) -> JSONValue) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 16)
        var response: Response
        do throws(FirebaseErrorBody) {
            guard let key = request.uri.queryParameters["key"].map(String.init) else { throw .missingAPIKey }
            guard key == project.settings.apiKey else { throw .invalidAPIKey }
            response = SimulatorControl.json(try handler(Array(bytes.readableBytesView)).serialized)
        } catch {
            response = error.response
        }
        if let origin = request.headers[.origin] {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
        }
        return response
    }
}
