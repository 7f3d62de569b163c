import Hummingbird
import Logging
import TelegateCore

/// The outermost middleware: assigns the request id and writes one log line per request with method, path
/// (never the query string), status and duration. Headers and bodies are never logged. Errors thrown by inner
/// middleware (a refused CORS preflight, a rate limit) are rendered here; errors from routes are rendered by
/// ``ProblemMiddleware``, inside CORS, so browsers can read them.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = TelegateRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        if let supplied = request.headers[RequestID.header], PlainName.isValid(supplied) {
            context.requestID = supplied
        }
        context.logger[metadataKey: "request_id"] = "\(context.requestID)"
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ProblemMiddleware.render(error, requestID: context.requestID, logger: logger)
        }
        response.headers[RequestID.header] = context.requestID
        let elapsed = ContinuousClock.now - started
        logger.info(
            "request",
            metadata: [
                "request_id": "\(context.requestID)", "method": "\(request.method)",
                "path": "\(request.uri.path)", "status": "\(response.status.code)",
                "duration_ms": "\(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)",
            ])
        return response
    }
}
