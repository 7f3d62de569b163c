/// Why a Telegram identity proof was refused.
///
/// An extensible error struct rather than a public enum: new codes can be added without breaking callers, and the
/// `code` string is what travels on the wire (CLI output, HTTP problem documents). Messages explain the failure in
/// terms of the input's structure and never echo secrets, hashes, signatures or the raw proof.
public struct TelegramAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error code.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input is not a well-formed proof: bad percent-encoding, invalid UTF-8, a `;`, a part without `=`,
        /// an undecodable JSON payload, or a token that is not compact JWS.
        public static let malformed = Code(rawValue: "malformed")
        /// A key appears more than once. Checked before any signature work: parsers disagree on which copy wins.
        public static let duplicateParameter = Code(rawValue: "duplicate_parameter")
        /// The HMAC proof has no `hash` field (or it is empty).
        public static let hashMissing = Code(rawValue: "hash_missing")
        /// The Ed25519 proof has no `signature` field (or it is empty).
        public static let signatureMissing = Code(rawValue: "signature_missing")
        /// The hash or signature does not match the data: tampered, signed for another bot, or signed wrongly.
        public static let signatureInvalid = Code(rawValue: "signature_invalid")
        /// `auth_date` is older than the configured maximum age.
        public static let expired = Code(rawValue: "expired")
        /// `auth_date` lies further in the future than the allowed clock skew.
        public static let authDateInFuture = Code(rawValue: "auth_date_in_future")
        /// `auth_date` is missing or not a plain non-negative decimal integer.
        public static let authDateMalformed = Code(rawValue: "auth_date_malformed")
        /// The signed `user` (or `receiver`, `chat`) JSON is missing or does not describe a Telegram user.
        public static let userMalformed = Code(rawValue: "user_malformed")
        /// The input exceeds the size limits and was refused before parsing.
        public static let payloadTooLarge = Code(rawValue: "payload_too_large")
        /// The input is a different kind of proof than the one expected (for example a JWT given as `initData`).
        public static let wrongProofKind = Code(rawValue: "wrong_proof_kind")
        /// A Telegram OIDC `id_token` failed verification; ``TelegramAuthError/reason`` says which check.
        public static let tokenInvalid = Code(rawValue: "token_invalid")
        /// Telegram's signing keys could not be fetched and no cached key matches the token's `kid`.
        public static let keysUnavailable = Code(rawValue: "keys_unavailable")

        /// Every code declared above, each once.
        public static let all: [Code] = [
            .malformed, .duplicateParameter, .hashMissing, .signatureMissing, .signatureInvalid, .expired,
            .authDateInFuture, .authDateMalformed, .userMalformed, .payloadTooLarge, .wrongProofKind, .tokenInvalid,
            .keysUnavailable,
        ]
    }

    /// The stable error code.
    public let code: Code
    /// A finer, stable sub-reason (for ``Code/tokenInvalid``: `signature`, `expired`, `audience`, …).
    public let reason: String?
    /// A human-readable explanation that is safe to show to the caller.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, reason: String? = nil, _ message: String) {
        self.code = code
        self.reason = reason
        self.message = message
    }

    public var description: String {
        if let reason { return "\(code.rawValue)(\(reason)): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
