import Hummingbird
import Logging
import NIOCore
import TelegateCore

/// Renders every error a route throws through ``ProblemRenderable``: ``TelegateError`` as problem+json,
/// ``OAuthError`` as an OAuth error body, Hummingbird's own errors as the stable codes they mean, anything else as
/// a bare 500 with nothing of the cause.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = TelegateRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return Self.render(error, requestID: context.requestID, logger: logger)
        }
    }

    static func render(_ error: any Error, requestID: String, logger: Logger) -> Response {
        renderable(error, requestID: requestID, logger: logger).response(requestID: requestID)
    }

    /// `error` itself when it renders itself; otherwise the ``TelegateError`` that answers it.
    private static func renderable(_ error: any Error, requestID: String, logger: Logger) -> any ProblemRenderable {
        switch error {
        case let error as any ProblemRenderable: return error
        case is NIOTooManyBytesError: return TelegateError(.payloadTooLarge, "the request body is larger than 16 KiB")
        case let error as HTTPError: return translate(error)
        default:
            logger.error("request failed", metadata: ["request_id": "\(requestID)", "error_type": "\(type(of: error))"])
            return TelegateError.internalError()
        }
    }

    /// Hummingbird's own errors (no route, body too large, unsupported method, an unusable request) as stable codes.
    static func translate(_ error: HTTPError) -> TelegateError {
        switch error.status {
        case .notFound: TelegateError(.notFound, "no such endpoint")
        case .contentTooLarge: TelegateError(.payloadTooLarge, "the request body is larger than 16 KiB")
        case .methodNotAllowed: TelegateError(.methodNotAllowed, "this method is not allowed here")
        default: TelegateError(.invalidRequest, "the request could not be processed")
        }
    }
}
