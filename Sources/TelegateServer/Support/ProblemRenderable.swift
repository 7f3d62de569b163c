import Hummingbird
import TelegateCore

/// An error that renders its own HTTP answer, as Hummingbird's `HTTPResponseError` does: the status comes from the
/// error, never from the route that throws it. ``ProblemMiddleware`` answers every route's errors through this one
/// protocol; anything that does not conform is a `500 internal_error` with nothing of its cause.
protocol ProblemRenderable: Error {
    /// The answer to the request `requestID`.
    func response(requestID: String) -> Response
}

/// An RFC 9457 `application/problem+json` document with the code's status, and `Retry-After` when the error has
/// one.
extension TelegateError: ProblemRenderable {
    func response(requestID: String) -> Response {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return JSONResponse.make(
            problemDocument(requestID: requestID), status: HTTPResponse.Status(code: status),
            contentType: "application/problem+json", headers: headers)
    }
}

/// An OAuth 2.0 error body (RFC 6749 §5.2), `{"error", "error_description"}`, with the code's status,
/// `Cache-Control: no-store`, `Pragma: no-cache`, `Retry-After` and `WWW-Authenticate` when the error has them.
extension OAuthError: ProblemRenderable {
    func response(requestID: String) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        headers[.pragma] = "no-cache"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let challenge { headers[.wwwAuthenticate] = challenge }
        return JSONResponse.make(json, status: HTTPResponse.Status(code: status), headers: headers)
    }
}
