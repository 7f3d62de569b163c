/// What an exchange asks of the adapter besides the subject.
public struct IssueOptions: Sendable, Equatable {
    /// The organization the credential should be scoped to (the body's `organization`), for adapters that
    /// support organizations; each adapter checks it against its own allow-list.
    public var organization: String?
    /// The request id, for audit events and logs.
    public var requestID: String?

    /// Creates options.
    public init(organization: String? = nil, requestID: String? = nil) {
        self.organization = organization
        self.requestID = requestID
    }
}
