import Foundation

/// A fenced code block of a document, found by the `<!-- doc-test: NAME -->` comment placed right before it, so a
/// test runs what the document says and fails when the document changes in a way that breaks it.
public enum DocBlock {
    /// The repository's root.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The body of the block marked `name` in `document` (a path from the repository's root).
    public static func read(_ document: String, _ name: String) throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8)
        guard let marker = text.range(of: "<!-- doc-test: \(name) -->\n") else { throw Missing(document: document, name: name) }
        let rest = text[marker.upperBound...]
        guard rest.hasPrefix("```"), let open = rest.firstIndex(of: "\n"),
            let close = rest[open...].range(of: "\n```")
        else { throw Missing(document: document, name: name) }
        return String(rest[rest.index(after: open)..<close.lowerBound])
    }

    /// A document without the block named.
    public struct Missing: Error, CustomStringConvertible {
        public let document: String
        public let name: String
        public var description: String { "\(document) has no fenced block right after <!-- doc-test: \(name) -->" }
    }
}
