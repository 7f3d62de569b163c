import Hummingbird
import StrictJSON
import TelegateCore

/// An RFC 9457 problem document for a ``TelegateError``: `type`, `title`, `status`, `detail`, and the stable
/// `code` (plus `reason` when there is one) that clients switch on.
enum ProblemDocument {
    static func response(for error: TelegateError, requestID: String) -> Response {
        var members: [(key: String, value: JSONValue)] = [
            ("type", .string("urn:telegate:error:\(error.code.rawValue)")),
            ("title", .string(title(error.status))),
            ("status", .integer(error.status)), ("code", .string(error.code.rawValue)),
        ]
        if let reason = error.reason { members.append(("reason", .string(reason))) }
        members.append(("detail", .string(error.message)))
        members.append(("requestId", .string(requestID)))
        var headers: HTTPFields = [:]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return JSONResponse.make(
            .object(members), status: HTTPResponse.Status(code: error.status), contentType: "application/problem+json",
            headers: headers)
    }

    /// The standard reason phrase of `status`.
    static func title(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: status < 500 ? "Client Error" : "Server Error"
        }
    }
}
