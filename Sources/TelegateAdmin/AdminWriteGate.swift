import TelegateCore

/// Lets one admin change at a time run in this process. A change reads an app, modifies it and saves it whole;
/// two concurrent changes to one app (two bots added at once) would otherwise lose one of them.
actor AdminWriteGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once every change that entered earlier has finished.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        while busy { await withCheckedContinuation { waiting.append($0) } }
        busy = true
        defer {
            busy = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
