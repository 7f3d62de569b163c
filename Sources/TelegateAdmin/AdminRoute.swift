import HTTPTypes
import StrictJSON
import TelegateCore

/// The HTTP methods of the admin API (`.get`, `.post`, `.patch`, `.put`, `.delete`): HTTP's own.
public typealias AdminMethod = HTTPRequest.Method

/// One admin operation: where it lives, what it accepts, who may call it and what it does. The HTTP server, the
/// local CLI and the OpenAPI document are all driven by the same list of routes.
public struct AdminRoute: Sendable {
    /// Who may call a route besides its read/write nature.
    public enum Scope: Sendable {
        /// Any token; app-scoped tokens see only their app.
        case apps
        /// Only tokens that are not restricted to one app (token management, creating apps).
        case global
    }

    public let method: AdminMethod
    /// The path below `/admin/v1`, with `{name}` parameters: `/apps/{app}/bots/{bot}`.
    public let path: String
    public let operationID: String
    public let summary: String
    /// Whether the route changes anything (refused to read-only tokens).
    public let writes: Bool
    public let scope: Scope
    /// The query parameters it reads.
    public let query: [String]
    /// The body it accepts, if any.
    public let body: AdminBodySchema?
    /// The status of a successful answer.
    public let successStatus: Int
    /// The permission that also allows this route to a token limited to permissions; `nil`: ordinary rights only.
    public let permission: AdminPermission?
    /// The JSON Schema of a successful answer, when the OpenAPI document describes it member by member.
    let response: JSONValue?
    let handler: @Sendable (AdminCall) async throws -> JSONValue?

    init(
        _ method: AdminMethod, _ path: String, _ operationID: String, _ summary: String, scope: Scope = .apps,
        query: [String] = [], body: AdminBodySchema? = nil, status: Int? = nil, response: JSONValue? = nil,
        permission: AdminPermission? = nil, handler: @escaping @Sendable (AdminCall) async throws -> JSONValue?
    ) {
        self.method = method
        self.path = path
        self.operationID = operationID
        self.summary = summary
        self.writes = method != .get
        self.scope = scope
        self.query = query
        self.body = body
        self.successStatus = status ?? (method == .delete ? 204 : 200)
        self.response = response
        self.permission = permission
        self.handler = handler
    }

    /// The path's segments.
    var segments: [Substring] { path.split(separator: "/") }

    /// The parameters of `path` when it matches this route's template.
    func match(_ path: some StringProtocol) -> [String: String]? {
        let template = segments
        let parts = path.split(separator: "/")
        guard parts.count == template.count else { return nil }
        var parameters: [String: String] = [:]
        for (pattern, part) in zip(template, parts) {
            if pattern.hasPrefix("{") {
                parameters[String(pattern.dropFirst().dropLast())] = String(part)
            } else if pattern != part {
                return nil
            }
        }
        return parameters
    }
}

/// A call to the admin API, from HTTP or the local CLI.
struct AdminRequest: Sendable {
    let method: AdminMethod
    /// The path below `/admin/v1`.
    let path: String
    let query: [String: String]
    let body: JSONValue?
    let caller: AdminCaller
}

/// The answer to an admin call: a status and a JSON body (none for `204`).
public struct AdminReply: Sendable {
    public let status: Int
    public let body: JSONValue?
}

/// What a route handler gets: the matched path parameters and the request.
struct AdminCall: Sendable {
    let parameters: [String: String]
    let request: AdminRequest
    /// The body, checked against the route's schema.
    let body: AdminBody

    var principal: AdminPrincipal { request.caller.principal }
    var actor: String { principal.actor }
    var requestID: String? { request.caller.requestID }

    /// A path parameter (always present: the route matched).
    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// A query parameter.
    func query(_ name: String) -> String? { request.query[name] }
}
