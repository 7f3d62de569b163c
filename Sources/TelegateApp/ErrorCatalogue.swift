import TelegateCore

/// Every error code this binary answers with, each declared once with its HTTP status: the core's, the
/// application's own (starting, listening, applying a configuration) and each built-in adapter's. docs/errors.md
/// lists exactly these.
public enum ErrorCatalogue {
    /// The codes the application declares.
    static let applicationCodes: [TelegateError.Code] = [.masterKeyMismatch, .duplicateBot, .addressInUse, .addressUnavailable]

    /// Every code, each once.
    public static let codes: [TelegateError.Code] =
        TelegateError.Code.catalogue + applicationCodes + BuiltinProviders.registry.errorCodes
}
