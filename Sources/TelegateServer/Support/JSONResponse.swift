import Hummingbird
import StrictJSON

/// Responses with JSON bodies.
enum JSONResponse {
    /// A JSON response with `status`.
    static func make(_ body: JSONValue, status: HTTPResponse.Status = .ok, contentType: String = "application/json",
        headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.serializedBytes)))
    }
}
