import Foundation
import TelegateCore
import TestSupport
import Testing

/// docs/events.md shows each event type's JSON Schema under its `### \`type\`` heading; the schemas the delivery tests
/// validate bodies against are the fixtures in Tests/TelegateSQLTests/Fixtures/events. They must be the same, so a
/// receiver validating against the documented schema accepts what Telegate sends.
@Suite("docs/events.md shows the event schemas the tests validate against")
struct EventSchemaDocTests {
    static let fixtures = DocBlock.root.appendingPathComponent("Tests/TelegateSQLTests/Fixtures/events")

    /// Each `### \`type\`` heading of the document's "Event types" section, with the first ```json block under it
    /// (empty when there is none).
    static func documentedSchemas() throws -> [(type: String, schema: String)] {
        let text = try String(contentsOf: DocBlock.root.appendingPathComponent("docs/events.md"), encoding: .utf8)
        guard let start = text.range(of: "\n## Event types\n") else { return [] }
        let rest = text[start.upperBound...]
        let section = rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)]
        return section.components(separatedBy: "\n### `").dropFirst().map { part in
            let type = String(part.prefix { $0 != "`" })
            guard let open = part.range(of: "```json\n"), let close = part[open.upperBound...].range(of: "\n```") else {
                return (type, "")
            }
            return (type, String(part[open.upperBound..<close.lowerBound]))
        }
    }

    /// `text` as JSON with sorted keys and no layout, so two texts of the same JSON compare equal.
    static func canonical(_ text: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("Every event type has one documented schema, equal to its fixture, and no other is documented")
    func documentedSchemasEqualFixtures() throws {
        let documented = try Self.documentedSchemas()
        #expect(documented.map(\.type).sorted() == EventType.allCases.map(\.rawValue).sorted())
        let fixtureNames = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(fixtureNames == EventType.allCases.map { "\($0.rawValue).json" }.sorted())
        for (type, schema) in documented {
            let fixture = try String(contentsOf: Self.fixtures.appendingPathComponent("\(type).json"), encoding: .utf8)
            let shown = try #require(try? Self.canonical(schema), "docs/events.md has no JSON schema under \(type)")
            #expect(shown == (try Self.canonical(fixture)), "docs/events.md's schema of \(type) differs from its fixture")
            #expect(shown.contains(#""title":"\#(type)""#), "the schema under \(type) is titled otherwise")
        }
    }
}
