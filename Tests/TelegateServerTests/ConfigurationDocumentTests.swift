import StrictJSON
import TelegateApp
import Testing

/// The YAML of `telegate.yaml` read into the JSON the configuration is kept and exported in.
@Suite("Configuration document")
struct ConfigurationDocumentTests {
    static func adapterConfig(_ yaml: String) throws -> JSONValue? {
        let configuration = try ConfigurationFile.parse(
            """
            apps:
              - id: poll
                adapters:
                  - {name: convex, kind: oidc, config: \(yaml)}
            """)
        return configuration.apps.first?.adapters.first?.config
    }

    @Test("Infinity and NaN are refused: JSON cannot carry them (found by fuzzing)", arguments: [
        ".inf", "-.Inf", ".NaN", "1.0e+400", "!!float .inf",
    ])
    func nonFiniteNumbers(_ scalar: String) {
        #expect(throws: ConfigurationError.self, "\(scalar)") { try Self.adapterConfig("{limit: \(scalar)}") }
    }

    @Test("Finite numbers, and the same text quoted, read as JSON that round-trips")
    func finiteNumbers() throws {
        let config = try #require(try Self.adapterConfig("{ratio: 1.5, big: 1.0e+20, name: '.inf'}"))
        #expect(config["ratio"] == .number("1.5"))
        #expect(config["name"] == .string(".inf"))
        #expect(try JSONValue.parse(config.serializedBytes) == config)
    }

    @Test("Only decimal integers are numbers: base 60, hexadecimal and octal stay text, however large (found by fuzzing)")
    func integerSpellings() throws {
        let config = try #require(
            try Self.adapterConfig("{ttl: 3600, negative: -5, clock: 1:30, huge: 8020000000000000400:0, hex: 0x1F, octal: 0o17}"))
        #expect(config["ttl"] == .integer(3600))
        #expect(config["negative"] == .integer(-5))
        #expect(config["clock"] == .string("1:30"))
        #expect(config["huge"] == .string("8020000000000000400:0"))
        #expect(config["hex"] == .string("0x1F"))
        #expect(config["octal"] == .string("0o17"))
    }

    @Test("Nesting is limited like JSON's: 32 levels read and round-trip, 33 are refused (found by fuzzing)")
    func nesting() throws {
        // The document, `apps`, the app, `adapters`, the adapter and its `config` are six levels; `x`'s sequences add the rest.
        let deepest = try #require(try Self.adapterConfig("{x: " + String(repeating: "[", count: 26) + String(repeating: "]", count: 26) + "}"))
        #expect(try JSONValue.parse(deepest.serializedBytes) == deepest)
        #expect(throws: ConfigurationError.self) {
            try Self.adapterConfig("{x: " + String(repeating: "[", count: 27) + String(repeating: "]", count: 27) + "}")
        }
    }
}
