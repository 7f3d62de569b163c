/// A JSON document read strictly by ``JSONReader``, for payloads without a fixed schema (OIDC headers and claims,
/// Login Widget objects, configuration). Object members keep their order; numbers keep their literal text.
public enum JSONValue: Sendable, Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Parses one complete JSON document.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var reader = JSONReader(bytes)
        let value = try read(&reader)
        try reader.expectEnd()
        return value
    }

    /// Parses one complete JSON document.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in try parse(buffer) }
    }

    private static func read(_ reader: inout JSONReader) throws(JSONSyntaxError) -> JSONValue {
        switch try reader.peekKind() {
        case .object:
            var members: [(key: String, value: JSONValue)] = []
            try reader.readObject { reader, key throws(JSONSyntaxError) in
                members.append((key, try read(&reader)))
            }
            return .object(members)
        case .array:
            var elements: [JSONValue] = []
            try reader.readArray { reader throws(JSONSyntaxError) in elements.append(try read(&reader)) }
            return .array(elements)
        case .string: return .string(try reader.readString())
        case .number: return .number(try reader.readNumberLiteral())
        case .bool: return .bool(try reader.readBool())
        case .null:
            try reader.readNull()
            return .null
        }
    }

    /// The member named `key` of an object; `nil` for other values or a missing member.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The value as a string, when it is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as a 64-bit integer, when it is a JSON integer literal that fits.
    public var integerValue: Int64? {
        guard case .number(let literal) = self, !literal.contains("."), !literal.contains("e"),
            !literal.contains("E")
        else { return nil }
        return Int64(literal)
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let a), .array(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }
}
