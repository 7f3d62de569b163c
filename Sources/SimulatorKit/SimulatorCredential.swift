/// A credential a simulator accepts, named by the adapter configuration key that takes it.
public struct SimulatorCredential: Sendable, Equatable {
    /// The adapter configuration key (`secretKey`, `m2mClientId`).
    public let key: String
    /// The value the simulator accepts. Simulator credentials are test values, never secrets of a real service.
    public let value: String
    /// What it is for, when the key alone does not say.
    public let note: String?

    /// Creates a credential.
    public init(_ key: String, _ value: String, note: String? = nil) {
        self.key = key
        self.value = value
        self.note = note
    }
}
