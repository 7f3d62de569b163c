import StrictJSON

/// What an adapter issues: a tagged value whose `type` clients switch on (`oidc`, `clerk_ticket`, …).
public struct Credential: Sendable {
    /// The credential type.
    public let type: String
    /// The members after `type`, in order.
    public let members: [(key: String, value: JSONValue)]

    /// Creates a credential.
    public init(type: String, members: [(key: String, value: JSONValue)]) {
        self.type = type
        self.members = members
    }

    /// `{"type": …, …members}`.
    public var json: JSONValue { .object([("type", .string(type))] + members) }
}
