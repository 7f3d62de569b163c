import Testing

/// Waits until `condition` holds, checking it every `interval` milliseconds for at most `timeout` seconds; records an
/// issue naming `what` if it never does. For what Telegate does in the background (a webhook reaching your receiver,
/// a message reaching the Bot API): tests wait for the condition this way, never for a clock; the bound only stops a
/// test that would otherwise hang. Returns whether the condition came to hold.
@discardableResult
public func waitUntil(
    _ what: String, timeout seconds: Int = 20, interval milliseconds: Int = 10, _ condition: () async throws -> Bool
) async throws -> Bool {
    for _ in 0..<(seconds * 1000 / milliseconds) {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(milliseconds))
    }
    Issue.record("timed out waiting until \(what)")
    return false
}
