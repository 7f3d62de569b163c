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
        return try node.map { try json($0, depth: 0) } ?? .object([])
    }

    /// `node` as JSON; `depth` counts the mappings and sequences around it.
    private static func json(_ node: Node, depth: Int) throws -> JSONValue {
        switch node {
        case .mapping(let mapping):
            let depth = try nested(depth)
            var members: [(key: String, value: JSONValue)] = []
            for (key, value) in mapping {
                guard let name = key.string else { throw ConfigurationError("a configuration key is not a string") }
                if members.contains(where: { $0.key == name }) {
                    throw ConfigurationError("the key \"\(name)\" appears twice")
                }
                members.append((name, try json(value, depth: depth)))
            }
            return .object(members)
        case .sequence(let sequence):
            let depth = try nested(depth)
            return .array(try sequence.map { try json($0, depth: depth) })
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            // Decimal integers only: YAML 1.1's base-60 (`1:30`), hexadecimal and octal spellings stay text, which
            // a typed setting then refuses by name (and reading base 60 traps on overflow).
            case .int: return Int64(scalar.string).map(JSONValue.integer) ?? .string(scalar.string)
            case .float:
                guard let number = node.float else { return .string(scalar.string) }
                // JSON, in which the configuration is kept and exported, has no infinity or NaN.
                guard number.isFinite else {
                    throw ConfigurationError(
                        "\(scalar.string.prefix(40)) is not a finite number; quote it if it is meant as text")
                }
                return .number(String(number))
            default: return .string(scalar.string)
            }
        case .alias:
            throw ConfigurationError("YAML aliases are not supported in the configuration")
        }
    }

    /// One level deeper, refused past the strict JSON reader's limit: what is read here is kept and exported as
    /// JSON, and must read back.
    private static func nested(_ depth: Int) throws -> Int {
        guard depth < JSONReader.maxDepth else {
            throw ConfigurationError("the configuration is nested more than \(JSONReader.maxDepth) levels deep")
        }
        return depth + 1
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
