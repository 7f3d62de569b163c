import Synchronization

/// Secret values a test plants (tokens, keys, proofs, credentials it was handed) so it can prove none of them
/// reaches a log line or an error body. Values shorter than 8 characters are never looked for: they would match by
/// chance.
public final class SecretCanaries: Sendable {
    private let values: Mutex<[String]>

    /// Canaries for `values`.
    public init(_ values: [String] = []) {
        self.values = Mutex(values)
    }

    /// Adds `values` (empty ones are ignored).
    public func remember(_ values: [String]) {
        self.values.withLock { $0.append(contentsOf: values.filter { !$0.isEmpty }) }
    }

    /// Every canary so far.
    public var all: [String] { values.withLock { $0 } }

    /// The canaries that appear in `text`.
    public func found(in text: String) -> [String] {
        all.filter { $0.count >= 8 && text.contains($0) }
    }
}
