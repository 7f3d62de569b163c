/// Why an exchange request body was refused: a stable code, a finer reason where one code has several causes, and a
/// message that names what is wrong without echoing any proof.
public struct ExchangeBodyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code, the same string the HTTP problem document carries: a body is refused for one of these three
    /// reasons only.
    public enum Code: String, Hashable, Sendable, CustomStringConvertible {
        /// The body or `Authorization` header is malformed: bad JSON, missing, unknown or conflicting members.
        case invalidRequest = "invalid_request"
        /// A proof's bytes are not what Telegram sends (the `Authorization: tma` header outside ASCII).
        case malformed
        /// The body is not declared `application/json`.
        case unsupportedMediaType = "unsupported_media_type"

        public var description: String { rawValue }
    }

    /// The stable code.
    public let code: Code
    /// A finer sub-reason (`malformed_json`, `tenant_mismatch`, `unknown_member`), when there is one.
    public let reason: String?
    /// What is wrong, safe to show to the caller.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String, reason: String? = nil) {
        self.code = code
        self.message = message
        self.reason = reason
    }

    /// An ``Code/invalidRequest`` error.
    public static func invalidRequest(_ message: String, reason: String? = nil) -> ExchangeBodyError {
        ExchangeBodyError(.invalidRequest, message, reason: reason)
    }

    public var description: String {
        if let reason { return "\(code.rawValue)(\(reason)): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
