import Hummingbird
import TelegateCore
import TelegateRuntime

/// Per-app CORS for the public endpoints under `/v1/apps/{app}/`: only the app's configured origins (the
/// origin the Mini App's page is served from, also when Telegram Web shows it in an iframe) get
/// `Access-Control-Allow-Origin`, on successes and errors alike, and preflights from other origins are refused.
/// The discovery document and JWKS are readable from any origin.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = TelegateRequestContext
    let runtimes: RuntimeRegistry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        if path.hasPrefix("/apps/"), path.contains("/.well-known/") {
            var response = try await next(request, context)
            response.headers[.accessControlAllowOrigin] = "*"
            return response
        }
        let allowed = appID(in: path).flatMap { runtimes.app($0) }?.settings.corsOrigins.contains(origin) ?? false
        if request.method == .options {
            guard allowed else {
                throw TelegateError(.originNotAllowed, "this origin may not call this app")
            }
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: origin, .accessControlAllowMethods: "POST, OPTIONS",
                    .accessControlAllowHeaders: "Content-Type, Authorization, X-Request-Id",
                    .accessControlMaxAge: "600", .vary: "Origin",
                ])
        }
        var response = try await next(request, context)
        if allowed {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = "X-Request-Id, Retry-After"
            response.headers[.vary] = "Origin"
        }
        return response
    }

    private func appID(in path: String) -> AppID? {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[0] == "v1", parts[1] == "apps" else { return nil }
        return AppID(rawValue: String(parts[2]))
    }
}
