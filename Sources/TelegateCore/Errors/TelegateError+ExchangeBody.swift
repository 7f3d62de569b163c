import ExchangeSubmission

extension TelegateError {
    /// The HTTP answer to a refused exchange body: `415` when it is not declared JSON, `400` otherwise.
    public init(_ error: ExchangeBodyError) {
        let status = error.code == .unsupportedMediaType ? 415 : 400
        self.init(Code(error.code.rawValue), status: status, error.message, reason: error.reason)
    }
}
