import SimulatorKit
import StrictJSON

/// What Clerk's pinned OpenAPI files allow for each operation the simulator serves (``ClerkSpecSchemas``).
enum ClerkContract {
    /// The API version the schemas come from, which the simulator answers for.
    static let apiVersion: String = document["apiVersion"]?.stringValue ?? ""

    private static let document: JSONValue = {
        guard let value = try? JSONValue.parse(ClerkSpecSchemas.json) else {
            preconditionFailure("ClerkSpecSchemas.json is not JSON; regenerate it with extract_schemas.py")
        }
        return value
    }()

    /// The validator of `operation`'s request body. Clerk refuses parameters it does not know even where the
    /// schema leaves `additionalProperties` open, so the root object is checked strictly.
    static func body(_ operation: String) -> OpenAPISchemaValidator {
        OpenAPISchemaValidator(
            schema: document["bodies"]?[operation]?["schema"] ?? .object([]), rejectsUnknownProperties: true)
    }

    /// The query parameters `operation` accepts, with their schemas.
    static func queryParameters(_ operation: String) -> [(key: String, value: JSONValue)] {
        document["queries"]?[operation]?.objectMembers ?? []
    }
}
