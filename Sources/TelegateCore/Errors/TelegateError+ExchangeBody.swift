import ExchangeSubmission
import TelegramAuth

extension TelegateError {
    /// The HTTP answer to a refused exchange body, under the code of the same name: `415 unsupported_media_type`
    /// when it is not declared JSON, `400` (`invalid_request`, or a proof's `malformed`) otherwise.
    public init(_ error: ExchangeBodyError) {
        let code: Code =
            switch error.code {
            case .unsupportedMediaType: .unsupportedMediaType
            case .malformed: Code(telegram: .malformed)
            case .invalidRequest: .invalidRequest
            }
        self.init(code, error.message, reason: error.reason)
    }
}
