import TelegramAuth

extension TelegateError.Code {
    /// The code a refused Telegram proof is answered under: the proof code's own name, with its HTTP status.
    ///
    /// Malformed input is 400, oversized input 413, Telegram's keys being unreachable 503; a proof that does not hold
    /// (a missing or wrong hash or signature, an `auth_date` out of range, a failed `id_token`) is 401, and so is any
    /// other refusal.
    public init(telegram code: TelegramAuthError.Code) {
        let status =
            switch code {
            case .malformed, .duplicateParameter, .authDateMalformed, .userMalformed, .wrongProofKind: 400
            case .payloadTooLarge: 413
            case .keysUnavailable: 503
            default: 401
            }
        self.init(code.rawValue, status: status)
    }

    /// The codes of `TelegramAuthError`, answered under the same names.
    public static let telegramProofCodes: [Self] = TelegramAuthError.Code.all.map(Self.init(telegram:))
}

extension TelegateError {
    /// The HTTP answer to a refused Telegram proof, under the code of the same name (``Code/init(telegram:)``), with
    /// `Retry-After: 5` when Telegram's keys are unreachable.
    public init(_ error: TelegramAuthError) {
        self.init(
            Code(telegram: error.code), error.message, reason: error.reason,
            retryAfter: error.code == .keysUnavailable ? 5 : nil)
    }
}
