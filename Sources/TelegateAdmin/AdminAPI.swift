import StrictJSON
import TelegateCore
import TelegateRuntime

/// The admin API: one list of routes that the HTTP server mounts under `/admin/v1`, the CLI calls directly on a
/// local database, and the OpenAPI document describes.
public struct AdminAPI: Sendable {
    /// Every route, in documentation order.
    public let routes: [AdminRoute]
    /// Admin token creation and checking.
    public let tokens: AdminTokens
    private let writes = AdminWriteGate()

    /// The API over `services`, applying changes to `runtimes` through `reloader`. `environment` resolves secret
    /// references given in requests.
    public init(
        services: TelegateServices, runtimes: RuntimeRegistry, reloader: RuntimeReloader, environment: [String: String]
    ) {
        let backend = AdminBackend(
            services: services, runtimes: runtimes, reloader: reloader,
            rows: ConfigurationRows(box: services.secretBox, registry: services.registry, environment: environment))
        self.tokens = backend.tokens
        self.routes =
            AppAdminRoutes(backend: backend).routes + BotAdminRoutes(backend: backend).routes
            + AdapterAdminRoutes(backend: backend).routes + UserAdminRoutes(backend: backend).routes
            + KeyAdminRoutes(backend: backend).routes + AuditAdminRoutes(backend: backend).routes
            + TokenAdminRoutes(backend: backend).routes
            + ClientAdminRoutes(backend: backend).routes
            + WebhookAdminRoutes(backend: backend).routes
            + WebhookDeliveryAdminRoutes(backend: backend).routes
            + UserHistoryAdminRoutes(backend: backend).routes
            + MessageAdminRoutes(backend: backend).routes
            + OverviewAdminRoutes(backend: backend).routes
    }

    /// Runs one call of `method` on `path` (below `/admin/v1`): finds its route, checks what the caller may do,
    /// validates the body, runs the handler.
    public func handle(
        _ method: AdminMethod, _ path: String, query: [String: String] = [:], body: JSONValue? = nil, caller: AdminCaller
    ) async throws -> AdminReply {
        let candidates = routes.compactMap { route in route.match(path).map { (route, $0) } }
        guard !candidates.isEmpty else { throw TelegateError(.notFound, "no such endpoint") }
        guard let match = candidates.first(where: { $0.0.method == method }) else {
            throw TelegateError(.methodNotAllowed, "this method is not allowed here")
        }
        return try await perform(match.0, parameters: match.1, path: path, query: query, body: body, caller: caller)
    }

    /// Runs `route` with its matched `parameters` on `path` (below `/admin/v1`).
    public func perform(
        _ route: AdminRoute, parameters: [String: String], path: String, query: [String: String] = [:],
        body: JSONValue? = nil, caller: AdminCaller
    ) async throws -> AdminReply {
        let request = AdminRequest(method: route.method, path: path, query: query, body: body, caller: caller)
        let principal = caller.principal
        if !principal.permissions.isEmpty, route.permission.map(principal.permissions.contains) != true {
            throw TelegateError(
                .adminForbidden,
                "this admin token may only \(principal.permissions.map(\.rawValue).joined(separator: ", "))",
                reason: "permission")
        }
        if route.writes, principal.readOnly {
            throw TelegateError(.adminForbidden, "this admin token is read-only", reason: "read_only_token")
        }
        if route.scope == .global, principal.appID != nil {
            throw TelegateError(
                .adminForbidden, "this admin token is restricted to one app", reason: "app_scoped_token")
        }
        let body: AdminBody
        if let schema = route.body {
            body = try schema.read(request.body)
        } else {
            if let members = request.body?.objectMembers, let first = members.first {
                throw TelegateError(
                    .invalidField, "unknown member \"\(first.key.prefix(40))\"; this call takes no body",
                    reason: "unknown_field")
            }
            body = AdminBody(members: [])
        }
        let call = AdminCall(parameters: parameters, request: request, body: body)
        let reply = route.writes ? try await writes.run { try await route.handler(call) } : try await route.handler(call)
        return AdminReply(status: route.successStatus, body: route.successStatus == 204 ? nil : reply)
    }

    /// The OpenAPI 3.1 document of these routes.
    public var openAPIDocument: JSONValue { AdminOpenAPI.document(routes) }
}
