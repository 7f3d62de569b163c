/// What an exchange asks of the adapter besides the subject.
public struct IssueOptions: Sendable, Equatable {
    /// The organization the credential should be scoped to (the body's `organization`), for adapters that
    /// support organizations; each adapter checks it against its own allow-list.
    public var organization: String?
    /// The request id, for audit events and logs.
    public var requestID: String?
    /// The exchange's `nonce` (at most 255 printable ASCII characters), for adapters that bind it into what they
    /// issue (``ProviderAdapter/usesNonce``). It is never stored, and the refresh grant has none.
    public var nonce: String?

    /// Creates options.
    public init(organization: String? = nil, requestID: String? = nil, nonce: String? = nil) {
        self.organization = organization
        self.requestID = requestID
        self.nonce = nonce
    }
}
