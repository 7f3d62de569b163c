import ExchangeSubmission
import Hummingbird
import StrictJSON
import TelegateAdmin
import TelegateCore
import TelegramAuth

/// The admin API under `/admin/v1`, and its OpenAPI document at `/admin/v1/openapi.json`.
///
/// Every route needs `Authorization: Bearer <admin token>`. A valid token is let in whatever happened before. A
/// missing or wrong one is answered `401` with `WWW-Authenticate`, recorded in the audit log, and counted per
/// client address and per token prefix (``AdminAuthThrottle``): once either budget is spent, further failures are
/// answered `429`, so tokens cannot be guessed at speed, and a throttled client or prefix is audited once a minute.
struct AdminRoutes {
    let api: AdminAPI
    let audit: AuditLog
    let clock: WallClock
    let trustedProxies: Set<String>
    /// Budgets for failed authentications, timed by `clock`.
    let failures: AdminAuthThrottle
    /// Throttled clients and prefixes, reported once a minute each.
    let throttled = SecurityEventWindow(threshold: 1)

    static let prefix = "/admin/v1"

    init(api: AdminAPI, audit: AuditLog, clock: WallClock, trustedProxies: Set<String>) {
        self.api = api
        self.audit = audit
        self.clock = clock
        self.trustedProxies = trustedProxies
        failures = AdminAuthThrottle(clock: clock)
    }

    func register(on router: Router<TelegateRequestContext>) {
        router.get(RouterPath(Self.prefix + "/openapi.json")) { _, _ in
            JSONResponse.make(api.openAPIDocument, headers: [.cacheControl: "no-cache"])
        }
        for route in api.routes {
            let path = Self.prefix + route.path.replacing("{", with: ":").replacing("}", with: "")
            router.on(RouterPath(path), method: route.method) { request, context in
                try await handle(route, request, context)
            }
        }
    }

    private func handle(_ route: AdminRoute, _ request: Request, _ context: TelegateRequestContext) async throws -> Response {
        let principal: AdminPrincipal
        let client = ClientAddress.of(request, context, trustedProxies: trustedProxies)
        switch await authenticate(request, context, client: client) {
        case .success(let authenticated): principal = authenticated
        case .failure(let refusal): throw refusal
        }
        var parameters: [String: String] = [:]
        for segment in route.path.split(separator: "/") where segment.hasPrefix("{") {
            let name = String(segment.dropFirst().dropLast())
            parameters[name] = context.parameters.get(name)
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let reply = try await api.perform(
            route, parameters: parameters, path: request.uri.path.dropFirst(Self.prefix.count).description,
            query: query, body: try await body(request, context),
            caller: AdminCaller(principal, requestID: context.requestID, client: client))
        guard let body = reply.body else { return Response(status: .noContent, headers: [.cacheControl: "no-store"]) }
        return JSONResponse.make(body, status: HTTPResponse.Status(code: reply.status), headers: [.cacheControl: "no-store"])
    }

    private func body(_ request: Request, _ context: TelegateRequestContext) async throws -> JSONValue? {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        do {
            try ExchangeBody.requireJSON(request.headers[.contentType])
            return .object(try ExchangeBody.parseObject(Array(buffer.readableBytesView)))
        } catch {
            throw TelegateError(error)
        }
    }

    /// Why a request was not authenticated: the error's problem document, with the `WWW-Authenticate` challenge when
    /// there is one.
    private struct Refusal: ProblemRenderable {
        let error: TelegateError
        let challenge: String?

        func response(requestID: String) -> Response {
            var response = error.response(requestID: requestID)
            if let challenge { response.headers[.wwwAuthenticate] = challenge }
            return response
        }
    }

    /// Checks the token first: a valid one never touches the failure budgets. A failure is refused `429` when a
    /// budget is spent, otherwise counted, audited and refused `401`.
    private func authenticate(_ request: Request, _ context: TelegateRequestContext, client: String) async
        -> Result<AdminPrincipal, Refusal>
    {
        let header = request.headers[.authorization] ?? ""
        let reason: String
        var prefix: String?
        if header.isEmpty {
            reason = "missing_token"
        } else if header.count > 7, header.prefix(7).lowercased() == "bearer " {
            let presented = String(header.dropFirst(7))
            do {
                if let token = try await api.tokens.authenticate(presented) {
                    return .success(AdminPrincipal(token: token))
                }
                reason = "invalid_token"
                prefix = AdminTokens.prefixKey(of: presented)
            } catch {
                return .failure(Refusal(error: .storageUnavailable(), challenge: nil))
            }
        } else {
            reason = "not_bearer"
        }
        if let spent = failures.exhausted(client: client, prefix: prefix) {
            let key = spent.budget == .client ? "client:\(client)" : "prefix:\(prefix ?? "")"
            if throttled.failed(key, at: clock.now) != nil {
                await audit.record(
                    "admin.auth_throttled", appID: nil, actor: "client:\(client)", target: request.uri.path,
                    outcome: .failure, details: [("budget", .string(spent.budget.rawValue))], requestID: context.requestID)
            }
            return .failure(
                Refusal(
                    error: TelegateError(
                        .rateLimited, "too many failed admin authentications; wait",
                        retryAfter: spent.retryAfter),
                    challenge: nil))
        }
        failures.recordFailure(client: client, prefix: prefix)
        await audit.record(
            "admin.auth_failed", appID: nil, actor: "client:\(client)", target: request.uri.path, outcome: .failure,
            details: [("reason", .string(reason))], requestID: context.requestID)
        let challenge =
            reason == "invalid_token"
            ? "Bearer realm=\"telegate-admin\", error=\"invalid_token\"" : "Bearer realm=\"telegate-admin\""
        return .failure(
            Refusal(
                error: TelegateError(
                    .adminUnauthorized, "send Authorization: Bearer <admin token>", reason: reason),
                challenge: challenge))
    }
}
