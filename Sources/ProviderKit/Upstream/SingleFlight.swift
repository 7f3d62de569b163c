/// Coalesces concurrent identical work: callers asking for the same key while a call is under way share its
/// result instead of repeating it (one user creation per user, one token refresh at a time).
public actor SingleFlight<Key: Hashable & Sendable, Value: Sendable> {
    private var inFlight: [Key: Task<Value, any Error>] = [:]

    /// Creates an empty group.
    public init() {}

    /// Runs `work` for `key`, or joins the run already under way for it.
    public func run(_ key: Key, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let running = inFlight[key] { return try await running.value }
        let task = Task { try await work() }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        return try await task.value
    }
}
