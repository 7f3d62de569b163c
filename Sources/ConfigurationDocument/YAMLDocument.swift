import StrictJSON
import Yams

/// Reads YAML into the JSON model the rest of the configuration code uses, keeping integers, booleans and nulls
/// typed and everything else as strings.
public enum YAMLDocument {
    /// Parses YAML text into a JSON value: mappings with string keys (each at most once), sequences and scalars.
    /// An empty document is an empty object; aliases are refused.
    public static func parse(_ text: String) throws -> JSONValue {
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
    /// What is wrong, naming the key but never a secret value.
    public let description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
