/// An OAuth client as stored: its spec (the secret as the reference it was configured with, if any) and the digest
/// of its secret (``ClientSecretDigester``); the secret itself is never stored.
public struct StoredClient: Sendable, Equatable {
    public var spec: ClientSpec
    /// `nil` for a public client.
    public var secretDigest: [UInt8]?

    /// Creates a stored client.
    public init(spec: ClientSpec, secretDigest: [UInt8]?) {
        self.spec = spec
        self.secretDigest = secretDigest
    }
}
