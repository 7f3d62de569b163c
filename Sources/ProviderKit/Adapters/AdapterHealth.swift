/// The result of an adapter's "test connection".
public struct AdapterHealth: Sendable, Equatable {
    /// Whether the adapter can issue credentials.
    public let ok: Bool
    /// What was checked and what failed, safe to show admins.
    public let message: String

    /// Creates a result.
    public init(ok: Bool, message: String) {
        self.ok = ok
        self.message = message
    }
}
