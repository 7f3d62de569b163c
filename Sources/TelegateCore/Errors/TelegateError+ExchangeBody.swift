import ExchangeSubmission

extension TelegateError {
    /// The HTTP answer to a refused exchange body, under the code of the same name: `415 unsupported_media_type`
    /// when it is not declared JSON, `400` (`invalid_request`, `malformed`) otherwise.
    public init(_ error: ExchangeBodyError) {
        let code: Code =
            switch error.code {
            case .unsupportedMediaType: .unsupportedMediaType
            case .malformed: .malformed
            case .invalidRequest: .invalidRequest
            }
        self.init(code, error.message, reason: error.reason)
    }
}
