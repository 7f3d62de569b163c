import TelegateCore

/// A successful exchange.
public struct ExchangeResult: Sendable {
    /// Who the credential is for.
    public let subject: Subject
    /// The adapter that issued it.
    public let adapterName: AdapterName
    /// The credential.
    public let credential: Credential
}
