import ExchangeSubmission
import Hummingbird
import StrictJSON
import TelegateCore
import TelegateRuntime

/// `POST /v1/apps/{app}/exchange` and `POST /v1/apps/{app}/bots/{bot}/exchange`.
struct ExchangeRoutes {
    let exchange: ExchangeService

    func register(on router: Router<TelegateRequestContext>) {
        for path in ["/v1/apps/:app/exchange", "/v1/apps/:app/bots/:bot/exchange"] {
            router.post(RouterPath(path)) { request, context in try await handle(request, context) }
            router.on(RouterPath(path), method: .options) { _, _ in Response(status: .noContent) }
            router.get(RouterPath(path)) { _, _ -> Response in
                // A24: a proof never travels in a URL, where proxies and logs would keep it.
                throw TelegateError(.methodNotAllowed, "use POST with the proof in the body or Authorization header")
            }
        }
    }

    private func handle(_ request: Request, _ context: TelegateRequestContext) async throws -> Response {
        let appID = context.parameters.get("app") ?? ""
        var botID: Int64?
        if let bot = context.parameters.get("bot") {
            guard let id = Int64(bot), id > 0 else { throw TelegateError(.botNotFound, "this app has no such bot") }
            botID = id
        }
        let body = try await ExchangeBody.read(request, context: context)
        let result = try await exchange.exchange(appID: appID, botID: botID, body: body, requestID: context.requestID)
        return JSONResponse.make(Self.responseBody(result), headers: [.cacheControl: "no-store"])
    }

    /// `{"user": …, "provider": …, "credential": …}`: the user as the admin API shows it, and whether this exchange
    /// created it.
    static func responseBody(_ result: ExchangeResult) -> JSONValue {
        let user = (result.subject.user.json.objectMembers ?? []) + [("created", .bool(result.subject.created))]
        return .object([
            ("user", .object(user)), ("provider", .string(result.adapterName.rawValue)),
            ("credential", result.credential.json),
        ])
    }
}
