import StrictJSON
import TelegateCore
import TelegateRuntime

/// The stored configuration as a `telegate.yaml` that `config apply` accepts: secrets appear only as their
/// references (`env:…`, `file:…`), never as values.
public enum ConfigurationExport {
    /// The YAML text for `apps`, with `masterKey` when given.
    public static func yaml(_ apps: [StoredApp], masterKey: SecretReference?) -> String {
        var members: [(key: String, value: JSONValue)] = []
        if let masterKey { members.append(("masterKey", .string(masterKey.description))) }
        members.append(("apps", .array(apps.map { SpecFormat.file.encode(AppSpec($0)) })))
        return YAMLText.render(.object(members))
    }
}

/// Block-style YAML for a JSON value. Strings are written as JSON strings, which YAML reads back unchanged.
enum YAMLText {
    static func render(_ value: JSONValue) -> String {
        var lines: [String] = []
        block(value, indent: "", into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func block(_ value: JSONValue, indent: String, into lines: inout [String]) {
        switch value {
        case .object(let members):
            for member in members {
                let key = scalar(.string(member.key)).hasPrefix("\"") ? scalar(.string(member.key)) : member.key
                if isInline(member.value) {
                    lines.append("\(indent)\(key): \(scalar(member.value))")
                } else {
                    lines.append("\(indent)\(key):")
                    block(member.value, indent: indent + "  ", into: &lines)
                }
            }
        case .array(let elements):
            for element in elements {
                if isInline(element) {
                    lines.append("\(indent)- \(scalar(element))")
                } else {
                    var nested: [String] = []
                    block(element, indent: indent + "  ", into: &nested)
                    if var first = nested.first {
                        first.replaceSubrange(first.startIndex..<first.index(first.startIndex, offsetBy: indent.count + 2), with: indent + "- ")
                        nested[0] = first
                    }
                    lines += nested
                }
            }
        default:
            lines.append(indent + scalar(value))
        }
    }

    private static func isInline(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members): members.isEmpty
        case .array(let elements): elements.isEmpty
        default: true
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .string(let text):
            let plain =
                text.first?.isLetter == true && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "-_./".contains($0) }
                && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
            return plain ? text : value.serialized
        case .object, .array: return value.serialized
        default: return value.serialized
        }
    }
}
