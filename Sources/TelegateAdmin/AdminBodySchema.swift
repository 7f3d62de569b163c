import StrictJSON
import TelegateCore

/// The JSON object a route accepts. It both validates request bodies (unknown members and read-only members are
/// refused with `422`, so a client can never set what it should not: no mass assignment) and describes the body
/// in the OpenAPI document.
public struct AdminBodySchema: Sendable {
    /// One member's type.
    public enum MemberType: Sendable {
        case string, integer, boolean, stringList, object, array

        var schema: JSONValue {
            switch self {
            case .string: .object([("type", .string("string"))])
            case .integer: .object([("type", .string("integer"))])
            case .boolean: .object([("type", .string("boolean"))])
            case .stringList: .object([("type", .string("array")), ("items", .object([("type", .string("string"))]))])
            case .object: .object([("type", .string("object"))])
            case .array: .object([("type", .string("array"))])
            }
        }

        func accepts(_ value: JSONValue) -> Bool {
            switch self {
            case .string: value.stringValue != nil
            case .integer: value.integerValue != nil
            case .boolean: value.boolValue != nil
            case .stringList: value.arrayElements?.allSatisfy { $0.stringValue != nil } ?? false
            case .object: value.objectMembers != nil
            case .array: value.arrayElements != nil
            }
        }
    }

    /// One accepted member.
    public struct Member: Sendable {
        public let name: String
        public let type: MemberType
        public let required: Bool
        public let description: String
    }

    public let members: [Member]
    /// Members that exist on the resource but are set by Telegate (fingerprints, ids of existing rows).
    public let readOnly: [String]

    init(_ members: [Member], readOnly: [String] = []) {
        self.members = members
        self.readOnly = readOnly
    }

    /// Checks `body` and returns its members.
    func read(_ body: JSONValue?) throws -> AdminBody {
        let given = body ?? .object([])
        guard let object = given.objectMembers else {
            throw TelegateError.invalidRequest("the request body must be a JSON object")
        }
        var seen = Set<String>()
        for member in object {
            guard seen.insert(member.key).inserted else {
                throw TelegateError.invalidRequest("\(member.key.prefix(40)) appears twice", reason: "duplicate_member")
            }
            if readOnly.contains(member.key) {
                throw TelegateError(
                    .invalidField, "\(member.key) is read-only", reason: "read_only_field")
            }
            guard let known = members.first(where: { $0.name == member.key }) else {
                throw TelegateError(
                    .invalidField,
                    "unknown member \"\(member.key.prefix(40))\"; accepted: \(members.map(\.name).joined(separator: ", "))",
                    reason: "unknown_field")
            }
            guard member.value == .null || known.type.accepts(member.value) else {
                throw TelegateError(.invalidField, "\(member.key) has the wrong type", reason: "wrong_type")
            }
        }
        for member in members where member.required && !seen.contains(member.name) {
            throw TelegateError(.invalidField, "\(member.name) is required", reason: "missing_field")
        }
        return AdminBody(members: object.filter { $0.value != .null })
    }

    /// The OpenAPI schema.
    var json: JSONValue {
        var properties: [(key: String, value: JSONValue)] = []
        for member in members {
            var schema = member.type.schema.objectMembers ?? []
            schema.append(("description", .string(member.description)))
            properties.append((member.name, .object(schema)))
        }
        var object: [(key: String, value: JSONValue)] = [
            ("type", .string("object")), ("additionalProperties", .bool(false)), ("properties", .object(properties)),
        ]
        let required = members.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { object.append(("required", .array(required))) }
        return .object(object)
    }
}

extension AdminBodySchema.Member {
    /// A member; `required` members must be present.
    static func member(_ name: String, _ type: AdminBodySchema.MemberType, required: Bool = false, _ description: String)
        -> Self
    {
        Self(name: name, type: type, required: required, description: description)
    }
}

/// A request body that passed its schema: typed accessors.
struct AdminBody: Sendable {
    let members: [(key: String, value: JSONValue)]

    func has(_ key: String) -> Bool { members.contains { $0.key == key } }
    func value(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }
    func string(_ key: String) -> String? { value(key)?.stringValue }
    func integer(_ key: String) -> Int64? { value(key)?.integerValue }
    func bool(_ key: String) -> Bool? { value(key)?.boolValue }
    func strings(_ key: String) -> [String]? { value(key)?.arrayElements?.compactMap(\.stringValue) }
}
