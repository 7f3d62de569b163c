import ExchangeSubmission
import Hummingbird
import StrictJSON
import TelegateAdmin
import TelegateCore
import TelegramAuth

/// The admin API under `/admin/v1`, and its OpenAPI document at `/admin/v1/openapi.json`.
///
/// Every route needs `Authorization: Bearer <admin token>`, checked by ``AdminAuthentication`` (shared with the
/// console's login): a missing or wrong token is answered `401` with `WWW-Authenticate`, and `429` once its failure
/// budget is spent.
struct AdminRoutes {
    let api: AdminAPI
    let authentication: AdminAuthentication
    let trustedProxies: Set<String>

    static let prefix = "/admin/v1"

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

    /// The principal of the request's bearer token, or why there is none (with the challenge for a `401`).
    private func authenticate(_ request: Request, _ context: TelegateRequestContext, client: String) async
        -> Result<AdminPrincipal, Refusal>
    {
        let header = request.headers[.authorization] ?? ""
        let isBearer = header.count > 7 && header.prefix(7).lowercased() == "bearer "
        let result = await authentication.authenticate(
            isBearer ? String(header.dropFirst(7)) : nil, missingReason: header.isEmpty ? "missing_token" : "not_bearer",
            client: client, target: request.uri.path, requestID: context.requestID)
        switch result {
        case .success(let principal): return .success(principal)
        case .failure(let refusal):
            let challenge: String? =
                switch refusal.error.reason {
                case "invalid_token": "Bearer realm=\"telegate-admin\", error=\"invalid_token\""
                case "missing_token", "not_bearer": "Bearer realm=\"telegate-admin\""
                default: nil
                }
            return .failure(Refusal(error: refusal.error, challenge: challenge))
        }
    }
}
