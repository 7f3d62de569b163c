import StrictJSON
import Yams

/// Reads YAML into the JSON model the rest of the configuration code uses, keeping integers, booleans and nulls
/// typed and everything else as strings.
enum YAMLDocument {
    static func parse(_ text: String) throws -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError("the configuration is not valid YAML: \(error)")
        }
        return try node.map(json) ?? .object([])
    }

    private static func json(_ node: Node) throws -> JSONValue {
        switch node {
        case .mapping(let mapping):
            var members: [(key: String, value: JSONValue)] = []
            for (key, value) in mapping {
                guard let name = key.string else { throw ConfigurationError("a configuration key is not a string") }
                if members.contains(where: { $0.key == name }) {
                    throw ConfigurationError("the key \"\(name)\" appears twice")
                }
                members.append((name, try json(value)))
            }
            return .object(members)
        case .sequence(let sequence):
            return .array(try sequence.map(json))
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int: return node.int.map(JSONValue.integer) ?? .string(scalar.string)
            case .float: return node.float.map { .number(String($0)) } ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .alias:
            throw ConfigurationError("YAML aliases are not supported in the configuration")
        }
    }
}

/// A problem with the configuration file or its values, described without secret values.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
