import Foundation
import Testing

/// docs/errors.md names every error code the sources declare, read from the source tree itself so a new code
/// cannot ship undocumented.
@Suite("docs/errors.md lists every code")
struct ErrorCatalogueDocTests {
    static let root = DocBlock.root

    /// The ways a code is declared: a `Self("…")` constant in an `extension TelegateError.Code`, a code made where
    /// a `TelegateError` is thrown (`TelegateError(.init("…"), …)`), an explicit `TelegateError.Code("…")`, and
    /// the constants of `TelegramAuthError.Code`, which the server answers with unchanged.
    static func declaredCodes() throws -> [String: String] {
        let patterns = try [
            #"TelegateError\(\s*(?:\.init|Code|TelegateError\.Code)\(\s*(?:rawValue:\s*)?"([a-z0-9_]+)""#,
            #"TelegateError\.Code\(\s*(?:rawValue:\s*)?"([a-z0-9_]+)"\s*\)"#,
        ].map { try NSRegularExpression(pattern: $0) }
        let extensionBlock = try NSRegularExpression(
            pattern: #"extension TelegateError\.Code\s*\{(.*?)\n\}"#, options: .dotMatchesLineSeparators)
        let constant = try NSRegularExpression(pattern: #"Self\(\s*"([a-z0-9_]+)"\s*\)"#)
        let authConstant = try NSRegularExpression(pattern: #"Code\(rawValue:\s*"([a-z0-9_]+)"\)"#)

        var codes: [String: String] = [:]
        for folder in ["Sources", "Providers"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let file = enumerator?.nextObject() as? URL {
                guard file.pathExtension == "swift" else { continue }
                let text = try String(contentsOf: file, encoding: .utf8)
                let name = file.path.replacingOccurrences(of: root.path + "/", with: "")
                for pattern in patterns {
                    for code in captures(pattern, in: text) { codes[code] = name }
                }
                for block in captures(extensionBlock, in: text) {
                    for code in captures(constant, in: block) { codes[code] = name }
                }
                if text.contains("public struct TelegramAuthError") {
                    for code in captures(authConstant, in: text) { codes[code] = name }
                }
            }
        }
        return codes
    }

    static func captures(_ expression: NSRegularExpression, in text: String) -> [String] {
        expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test("Every TelegateError and TelegramAuthError code declared in Sources/ and Providers/ appears in docs/errors.md")
    func everyCodeDocumented() throws {
        let codes = try Self.declaredCodes()
        // The collector itself works: codes declared each way are found.
        for known in ["invalid_request", "origin_not_allowed", "signature_invalid", "provider_identity_conflict", "unsafe_url"] {
            #expect(codes[known] != nil, "\(known) was not found in the sources; the collector's patterns are stale")
        }
        let catalogue = try String(contentsOf: Self.root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        let missing = codes.filter { !catalogue.contains("`\($0.key)`") }.sorted { $0.key < $1.key }
        #expect(missing.isEmpty, "not in docs/errors.md: \(missing.map { "\($0.key) (\($0.value))" }.joined(separator: ", "))")
    }
}
