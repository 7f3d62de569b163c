import StrictJSON

/// Checks a JSON value against an OpenAPI 3.0 schema object, the subset vendor specs use for request bodies:
/// `type`, `nullable`, `properties`, `required`, `additionalProperties`, `enum`, `minimum`/`maximum`,
/// `minLength`/`maxLength`, `items`, `minItems`/`maxItems`, `allOf`/`anyOf`/`oneOf` and local `$ref`s.
///
/// Simulators use it to refuse what the provider refuses; contract tests use it to prove that every request an
/// adapter sends is one the provider's own specification allows.
public struct OpenAPISchemaValidator: Sendable {
    /// One way a value breaks the schema.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        /// What kind of rule was broken.
        public enum Kind: String, Sendable {
            case unknownProperty, missingProperty, wrongType, notAllowed, outOfRange
        }

        public let kind: Kind
        /// Where, as a dotted path from the root (`public_metadata.telegram_id`); empty for the root.
        public let path: String
        public let message: String

        public var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    private let schema: JSONValue
    private let document: JSONValue?
    private let rejectsUnknownProperties: Bool

    /// A validator for `schema`; `$ref`s are looked up in `document`. With `rejectsUnknownProperties`, the root
    /// object refuses members its schema does not name even where the schema leaves `additionalProperties` open
    /// (as providers whose API refuses unknown parameters do).
    public init(schema: JSONValue, document: JSONValue? = nil, rejectsUnknownProperties: Bool = false) {
        self.schema = schema
        self.document = document
        self.rejectsUnknownProperties = rejectsUnknownProperties
    }

    /// Every violation in `value`; empty when it conforms.
    public func violations(of value: JSONValue) -> [Violation] {
        var found: [Violation] = []
        check(value, against: schema, path: "", strict: rejectsUnknownProperties, into: &found)
        return found
    }

    private func resolved(_ schema: JSONValue) -> JSONValue {
        var current = schema
        var hops = 0
        while let reference = current["$ref"]?.stringValue, reference.hasPrefix("#/"), let document, hops < 16 {
            var target: JSONValue? = document
            for part in reference.dropFirst(2).split(separator: "/") {
                target = target?[Self.unescaped(part)]
            }
            guard let target else { return current }
            current = target
            hops += 1
        }
        return current
    }

    /// A JSON Pointer reference token with `~1` and `~0` decoded (RFC 6901).
    private static func unescaped(_ token: Substring) -> String {
        var text = ""
        var escaping = false
        for character in token {
            if escaping {
                text.append(character == "1" ? "/" : "~")
                escaping = false
            } else if character == "~" {
                escaping = true
            } else {
                text.append(character)
            }
        }
        return text
    }

    private func check(_ value: JSONValue, against rawSchema: JSONValue, path: String, strict: Bool, into found: inout [Violation]) {
        let schema = resolved(rawSchema)
        if value == .null {
            if schema["nullable"] != .bool(true), schema["type"] != nil {
                found.append(Violation(kind: .wrongType, path: path, message: "may not be null"))
            }
            return
        }
        for part in schema["allOf"]?.arrayElements ?? [] {
            check(value, against: part, path: path, strict: false, into: &found)
        }
        for keyword in ["anyOf", "oneOf"] {
            guard let options = schema[keyword]?.arrayElements, !options.isEmpty else { continue }
            let matching = options.filter { option in
                var scratch: [Violation] = []
                check(value, against: option, path: path, strict: false, into: &scratch)
                return scratch.isEmpty
            }
            if matching.isEmpty || (keyword == "oneOf" && matching.count > 1) {
                found.append(Violation(kind: .notAllowed, path: path, message: "matches none of the allowed shapes"))
            }
        }
        if let allowed = schema["enum"]?.arrayElements, !allowed.contains(value) {
            found.append(Violation(kind: .notAllowed, path: path, message: "is not one of the allowed values"))
        }
        switch schema["type"]?.stringValue {
        case "object": checkObject(value, schema: schema, path: path, strict: strict, into: &found)
        case "array": checkArray(value, schema: schema, path: path, into: &found)
        case "string":
            guard let text = value.stringValue else { return found.append(.init(kind: .wrongType, path: path, message: "must be a string")) }
            if let minimum = schema["minLength"]?.integerValue, text.count < minimum {
                found.append(Violation(kind: .outOfRange, path: path, message: "is shorter than \(minimum)"))
            }
            if let maximum = schema["maxLength"]?.integerValue, text.count > maximum {
                found.append(Violation(kind: .outOfRange, path: path, message: "is longer than \(maximum)"))
            }
        case "integer":
            guard let number = value.integerValue else { return found.append(.init(kind: .wrongType, path: path, message: "must be an integer")) }
            checkRange(Double(number), schema: schema, path: path, into: &found)
        case "number":
            guard case .number(let literal) = value, let number = Double(literal) else {
                return found.append(.init(kind: .wrongType, path: path, message: "must be a number"))
            }
            checkRange(number, schema: schema, path: path, into: &found)
        case "boolean":
            if value.boolValue == nil { found.append(Violation(kind: .wrongType, path: path, message: "must be true or false")) }
        default:
            break
        }
    }

    private func checkObject(_ value: JSONValue, schema: JSONValue, path: String, strict: Bool, into found: inout [Violation]) {
        guard let members = value.objectMembers else {
            return found.append(Violation(kind: .wrongType, path: path, message: "must be an object"))
        }
        let properties = schema["properties"]?.objectMembers ?? []
        let additional = schema["additionalProperties"]
        for member in members {
            let memberPath = path.isEmpty ? member.key : "\(path).\(member.key)"
            if let property = properties.first(where: { $0.key == member.key }) {
                check(member.value, against: property.value, path: memberPath, strict: false, into: &found)
            } else if additional == .bool(false) || (strict && additional == nil) {
                found.append(Violation(kind: .unknownProperty, path: memberPath, message: "is not a known parameter"))
            } else if let additional, additional.objectMembers != nil {
                check(member.value, against: additional, path: memberPath, strict: false, into: &found)
            }
        }
        for required in schema["required"]?.arrayElements?.compactMap(\.stringValue) ?? []
        where !members.contains(where: { $0.key == required }) {
            found.append(Violation(kind: .missingProperty, path: path.isEmpty ? required : "\(path).\(required)", message: "is required"))
        }
    }

    private func checkArray(_ value: JSONValue, schema: JSONValue, path: String, into found: inout [Violation]) {
        guard let elements = value.arrayElements else {
            return found.append(Violation(kind: .wrongType, path: path, message: "must be an array"))
        }
        if let minimum = schema["minItems"]?.integerValue, elements.count < minimum {
            found.append(Violation(kind: .outOfRange, path: path, message: "has fewer than \(minimum) items"))
        }
        if let maximum = schema["maxItems"]?.integerValue, elements.count > maximum {
            found.append(Violation(kind: .outOfRange, path: path, message: "has more than \(maximum) items"))
        }
        if let items = schema["items"] {
            for (index, element) in elements.enumerated() {
                check(element, against: items, path: "\(path)[\(index)]", strict: false, into: &found)
            }
        }
    }

    private func checkRange(_ number: Double, schema: JSONValue, path: String, into found: inout [Violation]) {
        if case .number(let literal)? = schema["minimum"], let minimum = Double(literal), number < minimum {
            found.append(Violation(kind: .outOfRange, path: path, message: "is below \(literal)"))
        }
        if case .number(let literal)? = schema["maximum"], let maximum = Double(literal), number > maximum {
            found.append(Violation(kind: .outOfRange, path: path, message: "is above \(literal)"))
        }
    }
}
