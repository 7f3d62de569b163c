import Hummingbird
import Logging
import NIOCore
import TelegateCore

/// Renders every error a route throws: ``TelegateError`` as problem+json, ``OAuthError`` as an OAuth error
/// body, Hummingbird's own errors as stable codes, anything else as a bare 500 with nothing of the cause.
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
        switch error {
        case let error as TelegateError:
            return ProblemDocument.response(for: error, requestID: requestID)
        case let error as OAuthError:
            var headers: HTTPFields = [.cacheControl: "no-store"]
            if error.status == 503 { headers[.retryAfter] = "2" }
            return JSONResponse.make(error.json, status: HTTPResponse.Status(code: error.status), headers: headers)
        case is NIOTooManyBytesError:
            return ProblemDocument.response(
                for: TelegateError(.payloadTooLarge, status: 413, "the request body is larger than 16 KiB"), requestID: requestID)
        case let error as HTTPError:
            return ProblemDocument.response(for: translate(error), requestID: requestID)
        default:
            logger.error("request failed", metadata: ["request_id": "\(requestID)", "error_type": "\(type(of: error))"])
            return ProblemDocument.response(for: .internalError(), requestID: requestID)
        }
    }

    /// Hummingbird's own errors (no route, body too large, unsupported method) as stable codes.
    static func translate(_ error: HTTPError) -> TelegateError {
        switch error.status {
        case .notFound: TelegateError(.init("not_found"), status: 404, "no such endpoint")
        case .contentTooLarge: TelegateError(.payloadTooLarge, status: 413, "the request body is larger than 16 KiB")
        case .methodNotAllowed: TelegateError(.methodNotAllowed, status: 405, "this method is not allowed here")
        default: TelegateError(.invalidRequest, status: error.status.code, "the request could not be processed")
        }
    }
}
