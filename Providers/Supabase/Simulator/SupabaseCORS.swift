import HTTPTypes
import Hummingbird

/// Supabase's API gateway lets browsers on any origin call Auth: a preflight (`OPTIONS`) on any path is answered
/// with the methods and the headers supabase-js sends (`apikey`, `authorization`, `x-client-info`,
/// `x-supabase-api-version`, `content-type`), and every answer to a request with an `Origin` allows that origin.
struct SupabaseCORS<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        var response: Response
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] =
                request.headers[.accessControlRequestHeaders] ?? "apikey, authorization, x-client-info, x-supabase-api-version, content-type"
            response.headers[.accessControlMaxAge] = "3600"
        } else {
            response = try await next(request, context)
        }
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = "Origin"
        return response
    }
}
