import StrictJSON

/// An HTTP answer as a test reads it: the status, the headers in order, the body as text.
public struct HTTPReply: Sendable {
    /// The status code.
    public let status: Int
    /// Every header, in the order sent.
    public let headers: [(String, String)]
    /// The body, as UTF-8 text.
    public let body: String

    /// A reply.
    public init(status: Int, headers: [(String, String)], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as JSON, `null` when it is not JSON.
    public var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }

    /// The `code` of a problem+json (or any JSON object) body.
    public var code: String? { json["code"]?.stringValue }

    /// The first value of header `name` (any case).
    public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}
