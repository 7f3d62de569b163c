import Foundation
import TelegateApp
import TelegateCore
import TestSupport
import Testing

/// docs/errors.md lists every declared error code once, with the status the code is declared with; and every code
/// the sources declare is in the declared catalogue, so a code can neither ship undocumented nor drift from its
/// documented status.
@Suite("docs/errors.md lists every code with its status")
struct ErrorCatalogueDocTests {
    static let root = DocBlock.root

    /// The codes declared in the source tree, read from the files themselves: a `Self("…", status: …)` constant in
    /// an `extension TelegateError.Code`, an explicit `TelegateError.Code("…", …)`, and the constants of
    /// `TelegramAuthError.Code`, which the server answers with under the same names.
    static func declaredCodes() throws -> [String: String] {
        let explicit = try NSRegularExpression(pattern: #"TelegateError\.Code\(\s*"([a-z0-9_]+)""#)
        let extensionBlock = try NSRegularExpression(
            pattern: #"extension TelegateError\.Code\s*\{(.*?)\n\}"#, options: .dotMatchesLineSeparators)
        let constant = try NSRegularExpression(pattern: #"Self\(\s*"([a-z0-9_]+)""#)
        let authConstant = try NSRegularExpression(pattern: #"Code\(rawValue:\s*"([a-z0-9_]+)"\)"#)

        var codes: [String: String] = [:]
        for folder in ["Sources", "Providers"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let file = enumerator?.nextObject() as? URL {
                guard file.pathExtension == "swift" else { continue }
                let text = try String(contentsOf: file, encoding: .utf8)
                let name = file.path.replacingOccurrences(of: root.path + "/", with: "")
                for code in captures(explicit, in: text) { codes[code] = name }
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

    /// The rows of docs/errors.md's tables whose first column is headed `column`: each code named in a row's first
    /// cell, with the first number of its second cell (`nil` when there is none), in document order.
    static func documentedCodes(column: String) throws -> [(code: String, status: Int?)] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        let code = try NSRegularExpression(pattern: #"`([a-z0-9_]+)`"#)
        let number = try NSRegularExpression(pattern: #"^\s*(\d{3})"#)
        var rows: [(code: String, status: Int?)] = []
        var heading: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            guard line.hasPrefix("|") else {
                heading = nil
                continue
            }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 2 else { continue }
            if heading == nil {
                heading = cells[0]
                continue
            }
            guard heading == column, !cells[0].hasPrefix("---") else { continue }
            let status = captures(number, in: cells[1]).first.flatMap { Int($0) }
            for name in captures(code, in: cells[0]) { rows.append((name, status)) }
        }
        return rows
    }

    @Test("Every code declared in Sources/ and Providers/ is in the declared catalogue")
    func everyDeclaredCodeCatalogued() throws {
        let codes = try Self.declaredCodes()
        // The collector itself works: codes declared each way are found.
        for known in ["invalid_request", "origin_not_allowed", "signature_invalid", "provider_identity_conflict", "unsafe_url"] {
            #expect(codes[known] != nil, "\(known) was not found in the sources; the collector's patterns are stale")
        }
        let catalogued = Set(ErrorCatalogue.codes.map(\.rawValue))
        let missing = codes.filter { !catalogued.contains($0.key) }.sorted { $0.key < $1.key }
        #expect(missing.isEmpty, "not in ErrorCatalogue.codes: \(missing.map { "\($0.key) (\($0.value))" }.joined(separator: ", "))")
    }

    @Test("The catalogue declares each code once")
    func catalogueHasNoDuplicates() {
        let names = ErrorCatalogue.codes.map(\.rawValue)
        #expect(names.count == Set(names).count, "declared twice: \(names.filter { name in names.filter { $0 == name }.count > 1 })")
    }

    @Test("docs/errors.md lists each declared code exactly once, with its declared status, and no other")
    func documentedOnceWithStatus() throws {
        let rows = try Self.documentedCodes(column: "code")
        let declared = Dictionary(uniqueKeysWithValues: ErrorCatalogue.codes.map { ($0.rawValue, $0.status) })
        for (code, status) in declared {
            let documented = rows.filter { $0.code == code }
            #expect(documented.count == 1, "\(code) is listed \(documented.count) times in docs/errors.md")
            for row in documented { #expect(row.status == status, "\(code) is declared \(status), documented \(row.status.map(String.init) ?? "without a status")") }
        }
        let undeclared = Set(rows.map(\.code)).subtracting(declared.keys).sorted()
        #expect(undeclared.isEmpty, "documented but not declared: \(undeclared.joined(separator: ", "))")
    }

    @Test("docs/errors.md lists each OAuth error of the token endpoint once, with its status")
    func oauthErrorsDocumented() throws {
        let rows = try Self.documentedCodes(column: "error")
        #expect(rows.map(\.code).sorted() == OAuthError.Code.catalogue.map(\.rawValue).sorted())
        for code in OAuthError.Code.catalogue {
            #expect(rows.first { $0.code == code.rawValue }?.status == code.status, "\(code.rawValue)")
        }
    }

    @Test("A Telegram proof refusal is answered under a declared code of the same name")
    func telegramProofCodesDeclared() throws {
        let source = try String(
            contentsOf: Self.root.appendingPathComponent("Sources/TelegramAuth/TelegramAuthError.swift"), encoding: .utf8)
        let proofCodes = Self.captures(try NSRegularExpression(pattern: #"Code\(rawValue:\s*"([a-z0-9_]+)"\)"#), in: source)
        #expect(proofCodes.contains("signature_invalid"), "the collector's pattern is stale")
        let declared = Set(TelegateError.Code.telegramProofCodes.map(\.rawValue))
        #expect(Set(proofCodes) == declared)
        // A proof code's status is the catalogue's for its name (payload_too_large is also a request code).
        for code in TelegateError.Code.telegramProofCodes {
            #expect(ErrorCatalogue.codes.first { $0 == code }?.status == code.status, "\(code.rawValue)")
        }
    }
}
