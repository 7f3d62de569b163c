import ExchangeSubmission
import Hummingbird
import StrictJSON
import TelegateCore

/// The admin API under `/admin/v1`, and its OpenAPI document at `/admin/v1/openapi.json`.
///
/// Every route needs `Authorization: Bearer <admin token>`. A missing or wrong token is answered `401` with
/// `WWW-Authenticate`, recorded in the audit log, and counted per client: a client that keeps failing is answered
/// `429` for a while, whatever it sends, so tokens cannot be guessed at speed.
struct AdminRoutes {
    let api: AdminAPI
    let audit: AuditLog
    let trustedProxies: Set<String>
    /// Failed authentications per client: ten at once, then one every six seconds.
    let failures = RateLimiter(rate: 1.0 / 6.0, burst: 10)

    static let prefix = "/admin/v1"

    func register(on router: Router<TelegateRequestContext>) {
        router.get(RouterPath(Self.prefix + "/openapi.json")) { _, _ in
            JSONResponse.make(api.openAPIDocument, headers: [.cacheControl: "no-cache"])
        }
        for route in api.routes {
            let path = Self.prefix + route.path.replacing("{", with: ":").replacing("}", with: "")
            router.on(RouterPath(path), method: HTTPRequest.Method(route.method.rawValue)!) { request, context in
                try await handle(route, request, context)
            }
        }
    }

    private func handle(_ route: AdminRoute, _ request: Request, _ context: TelegateRequestContext) async throws -> Response {
        let principal: AdminPrincipal
        let client = ClientAddress.of(request, context, trustedProxies: trustedProxies)
        switch await authenticate(request, context, client: client) {
        case .success(let authenticated): principal = authenticated
        case .failure(let refusal): return refusal.response(requestID: context.requestID)
        }
        var parameters: [String: String] = [:]
        for segment in route.path.split(separator: "/") where segment.hasPrefix("{") {
            let name = String(segment.dropFirst().dropLast())
            parameters[name] = context.parameters.get(name)
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let reply = try await api.perform(
            route, parameters: parameters,
            request: AdminRequest(
                route.method, request.uri.path.dropFirst(Self.prefix.count).description, query: query,
                body: try await body(request, context), principal: principal, requestID: context.requestID,
                client: client))
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

    /// Why a request was not authenticated.
    private struct Refusal: Error {
        let error: TelegateError
        let challenge: String?

        func response(requestID: String) -> Response {
            var response = ProblemDocument.response(for: error, requestID: requestID)
            if let challenge { response.headers[.wwwAuthenticate] = challenge }
            return response
        }
    }

    private func authenticate(_ request: Request, _ context: TelegateRequestContext, client: String) async
        -> Result<AdminPrincipal, Refusal>
    {
        if let retryAfter = failures.wait(client) {
            return .failure(
                Refusal(
                    error: TelegateError(
                        .rateLimited, status: 429, "too many failed admin authentications; wait", retryAfter: retryAfter),
                    challenge: nil))
        }
        let header = request.headers[.authorization] ?? ""
        let reason: String
        if header.isEmpty {
            reason = "missing_token"
        } else if header.count > 7, header.prefix(7).lowercased() == "bearer " {
            do {
                if let token = try await api.tokens.authenticate(String(header.dropFirst(7))) {
                    return .success(AdminPrincipal(token: token))
                }
                reason = "invalid_token"
            } catch {
                return .failure(Refusal(error: .storageUnavailable(), challenge: nil))
            }
        } else {
            reason = "not_bearer"
        }
        _ = failures.take(client)
        await audit.record(
            "admin.auth_failed", appID: nil, actor: "client:\(client)", target: request.uri.path, outcome: .failure,
            details: [("reason", .string(reason))], requestID: context.requestID)
        let challenge =
            reason == "invalid_token"
            ? "Bearer realm=\"telegate-admin\", error=\"invalid_token\"" : "Bearer realm=\"telegate-admin\""
        return .failure(
            Refusal(
                error: TelegateError(
                    .adminUnauthorized, status: 401, "send Authorization: Bearer <admin token>", reason: reason),
                challenge: challenge))
    }
}
