import TelegramAuth

/// A refusal or failure with a stable `code`, an HTTP status and a message that is safe to show.
///
/// Like `TelegramAuthError`, an extensible struct: codes are values, so adapters add their own without touching
/// this file. The server renders it as an RFC 9457 `application/problem+json` document. Messages never contain
/// secrets, tokens, raw proofs, hashes, signatures or upstream response bodies.
public struct TelegateError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable code.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    /// The stable code.
    public let code: Code
    /// The HTTP status this error is answered with.
    public let status: Int
    /// What went wrong, safe to show.
    public let message: String
    /// A finer sub-reason, when the code has several causes.
    public let reason: String?
    /// Seconds after which a retry may succeed (sent as `Retry-After`).
    public let retryAfter: Int?

    /// Creates an error.
    public init(_ code: Code, status: Int, _ message: String, reason: String? = nil, retryAfter: Int? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.reason = reason
        self.retryAfter = retryAfter
    }

    public var description: String {
        "\(status) \(code.rawValue)\(reason.map { "(\($0))" } ?? ""): \(message)"
    }
}

extension TelegateError.Code {
    /// The request is malformed (bad JSON, missing or conflicting members).
    public static let invalidRequest = Self("invalid_request")
    /// The request body is not JSON.
    public static let unsupportedMediaType = Self("unsupported_media_type")
    /// The request body is larger than accepted.
    public static let payloadTooLarge = Self("payload_too_large")
    /// The HTTP method is not allowed here.
    public static let methodNotAllowed = Self("method_not_allowed")
    /// No such app.
    public static let appNotFound = Self("app_not_found")
    /// No such bot in the app.
    public static let botNotFound = Self("bot_not_found")
    /// No such provider adapter in the app.
    public static let providerNotFound = Self("provider_not_found")
    /// The bot is not configured for this kind of proof.
    public static let proofNotEnabled = Self("proof_not_enabled")
    /// The user has been disabled by an admin.
    public static let userDisabled = Self("user_disabled")
    /// Too many requests.
    public static let rateLimited = Self("rate_limited")
    /// The database cannot be reached; retry.
    public static let storageUnavailable = Self("storage_unavailable")
    /// The identity provider rate-limits us; retry after `Retry-After`.
    public static let upstreamBusy = Self("upstream_busy")
    /// The identity provider is down or timing out; retry.
    public static let upstreamUnavailable = Self("upstream_unavailable")
    /// The identity provider answered with something we cannot use.
    public static let upstreamInvalidResponse = Self("upstream_invalid_response")
    /// The adapter's configuration or credentials are wrong; an admin must act.
    public static let adapterMisconfigured = Self("adapter_misconfigured")
    /// Something unexpected failed on our side.
    public static let internalError = Self("internal_error")
}

extension TelegateError {
    /// 400 `invalid_request`.
    public static func invalidRequest(_ message: String, reason: String? = nil) -> TelegateError {
        TelegateError(.invalidRequest, status: 400, message, reason: reason)
    }

    /// 503 `storage_unavailable`, retry in a few seconds.
    public static func storageUnavailable() -> TelegateError {
        TelegateError(.storageUnavailable, status: 503, "the database is unavailable; retry shortly", retryAfter: 2)
    }

    /// 500 `internal_error`, with nothing of the cause in the message.
    public static func internalError() -> TelegateError {
        TelegateError(.internalError, status: 500, "an internal error occurred")
    }

    /// The HTTP answer to a refused Telegram proof: malformed input is 400, a proof that does not hold is 401,
    /// oversized input 413, Telegram's keys being unreachable 503.
    public init(_ error: TelegramAuthError) {
        let status: Int
        var retryAfter: Int?
        switch error.code {
        case .malformed, .duplicateParameter, .authDateMalformed, .userMalformed, .wrongProofKind: status = 400
        case .payloadTooLarge: status = 413
        case .keysUnavailable:
            status = 503
            retryAfter = 5
        default: status = 401
        }
        self.init(Code(error.code.rawValue), status: status, error.message, reason: error.reason, retryAfter: retryAfter)
    }
}

// MARK: Provider identity

extension TelegateError.Code {
    /// The identity provider answered about a user that is not this local user's.
    public static let providerIdentityMismatch = Self("provider_identity_mismatch")
}

extension TelegateError {
    /// 502 `provider_identity_mismatch`: `provider` named another user than the one it was asked about; nothing was
    /// linked, written or issued.
    public static func providerIdentityMismatch(_ provider: String) -> TelegateError {
        TelegateError(
            .providerIdentityMismatch, status: 502,
            "\(provider) answered about a user that is not this account's; nothing was issued")
    }
}
