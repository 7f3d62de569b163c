import SimulatorKit
import StrictJSON
import Testing

/// The OpenAPI subset simulators check request bodies with, on known answers.
@Suite("OpenAPI schema validator")
struct OpenAPISchemaValidatorTests {
    private static let document = try! JSONValue.parse(
        #"""
        {"components": {"schemas": {"Name": {"type": "string", "minLength": 1, "maxLength": 5}}},
         "body": {"type": "object", "additionalProperties": false, "required": ["user_id"],
                  "properties": {"user_id": {"$ref": "#/components/schemas/Name"},
                                 "expires_in_seconds": {"type": "integer", "minimum": 1, "nullable": true},
                                 "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
                                 "metadata": {"type": "object", "additionalProperties": true},
                                 "mode": {"type": "string", "enum": ["a", "b"]}}},
         "open": {"type": "object", "properties": {"known": {"type": "boolean"}}}}
        """#)

    private func kinds(_ body: String, schema: String = "body", strict: Bool = false) throws -> [OpenAPISchemaValidator.Violation.Kind] {
        let validator = OpenAPISchemaValidator(
            schema: Self.document[schema] ?? .null, document: Self.document, rejectsUnknownProperties: strict)
        return validator.violations(of: try JSONValue.parse(body)).map(\.kind)
    }

    @Test("A conforming body has no violations; nullable members may be null")
    func conforming() throws {
        #expect(try kinds(#"{"user_id":"u1","expires_in_seconds":null,"tags":["x"],"metadata":{"any":1},"mode":"a"}"#).isEmpty)
    }

    @Test("Each rule is enforced: unknown, missing, type, range, enum, items, $ref")
    func violations() throws {
        #expect(try kinds(#"{"user_id":"u1","extra":1}"#) == [.unknownProperty])
        #expect(try kinds(#"{}"#) == [.missingProperty])
        #expect(try kinds(#"{"user_id":7}"#) == [.wrongType])
        #expect(try kinds(#"{"user_id":"toolong"}"#) == [.outOfRange])
        #expect(try kinds(#"{"user_id":"u","expires_in_seconds":0}"#) == [.outOfRange])
        #expect(try kinds(#"{"user_id":"u","expires_in_seconds":1.5}"#) == [.wrongType])
        #expect(try kinds(#"{"user_id":"u","mode":"c"}"#) == [.notAllowed])
        #expect(try kinds(#"{"user_id":"u","tags":["a","b","c"]}"#) == [.outOfRange])
        #expect(try kinds(#"{"user_id":"u","tags":[1]}"#) == [.wrongType])
        #expect(try kinds(#"{"user_id":null}"#) == [.wrongType])
    }

    @Test("Open objects accept unknown members unless the root is checked strictly")
    func strictRoot() throws {
        #expect(try kinds(#"{"known":true,"other":1}"#, schema: "open").isEmpty)
        #expect(try kinds(#"{"known":true,"other":1}"#, schema: "open", strict: true) == [.unknownProperty])
    }
}
