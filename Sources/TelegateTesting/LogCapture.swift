import Logging
import Synchronization

/// Keeps every log line (message and metadata) in memory, so tests can prove secrets never reach the logs.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// An empty capture.
    public init() {}

    /// A logger writing here, at every level.
    public var logger: Logger {
        var logger = Logger(label: "telegate.test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Every captured line, oldest first.
    public var all: [String] { lines.withLock { $0 } }

    /// Every captured line joined, for searching.
    public var text: String { all.joined(separator: "\n") }

    /// The values among `secrets` that appear in a captured line (values shorter than 8 characters are not
    /// checked: they would match by chance).
    public func leaks(of secrets: [String]) -> [String] {
        let captured = text
        return secrets.filter { $0.count >= 8 && captured.contains($0) }
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = metadata
            all.merge(event.metadata ?? [:]) { $1 }
            let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append("\(event.level) \(event.message) \(rendered)")
        }
    }
}
