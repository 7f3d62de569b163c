/// A refusal or failure with a stable `code`, the HTTP status its code declares, and a message that is safe to show.
///
/// Like `TelegramAuthError`, an extensible struct: codes are values, so adapters declare their own without touching
/// this file. A code is declared once, with its status (``Code/status``); no call site chooses one. The server renders
/// it as an RFC 9457 `application/problem+json` document and the CLI as `error: <message> (code: <code>)`. Messages
/// never contain secrets, tokens, raw proofs, hashes, signatures or upstream response bodies.
public struct TelegateError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable code and the HTTP status it is always answered with.
    ///
    /// Two codes are equal when their names are: the name is what travels on the wire.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, as documents and clients carry it.
        public let rawValue: String
        /// The HTTP status an error with this code is answered with.
        public let status: Int

        /// Declares a code answered with `status`.
        public init(_ rawValue: String, status: Int) {
            self.rawValue = rawValue
            self.status = status
        }

        /// The problem document's `title`: the standard reason phrase of ``status``.
        public var title: String {
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

        public var description: String { rawValue }

        public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }

        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    }

    /// The stable code.
    public let code: Code
    /// What went wrong, safe to show.
    public let message: String
    /// A finer sub-reason, when the code has several causes.
    public let reason: String?
    /// Seconds after which a retry may succeed (sent as `Retry-After`).
    public let retryAfter: Int?

    /// Creates an error; its status is its code's.
    public init(_ code: Code, _ message: String, reason: String? = nil, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.reason = reason
        self.retryAfter = retryAfter
    }

    /// The HTTP status this error is answered with: its code's.
    public var status: Int { code.status }

    public var description: String {
        "\(status) \(code.rawValue)\(reason.map { "(\($0))" } ?? ""): \(message)"
    }
}

extension TelegateError {
    /// 400 `invalid_request`.
    public static func invalidRequest(_ message: String, reason: String? = nil) -> TelegateError {
        TelegateError(.invalidRequest, message, reason: reason)
    }

    /// 503 `storage_unavailable`, retry in a few seconds.
    public static func storageUnavailable() -> TelegateError {
        TelegateError(.storageUnavailable, "the database is unavailable; retry shortly", retryAfter: 2)
    }

    /// 500 `internal_error`, with nothing of the cause in the message.
    public static func internalError() -> TelegateError {
        TelegateError(.internalError, "an internal error occurred")
    }

    /// 502 `provider_identity_mismatch`: `provider` named another user than the one it was asked about; nothing was
    /// linked, written or issued.
    public static func providerIdentityMismatch(_ provider: String) -> TelegateError {
        TelegateError(
            .providerIdentityMismatch, "\(provider) answered about a user that is not this account's; nothing was issued")
    }
}
