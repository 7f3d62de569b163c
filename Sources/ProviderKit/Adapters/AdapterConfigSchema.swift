import StrictJSON
import TelegateCore

/// The configuration an adapter kind accepts: it drives validation (file, CLI, admin API), secret handling and
/// documentation. Unknown keys are refused, so a typo never silently falls back to a default.
public struct AdapterConfigSchema: Sendable {
    /// One configuration key.
    public struct Field: Sendable {
        /// The JSON type of a value.
        public enum ValueType: String, Sendable, Equatable {
            case string, integer, boolean, stringList, object
            /// A secret: configured as a reference (`env:NAME`, `file:PATH`), stored sealed, never returned.
            case secret
            /// An absolute `http(s)` URL.
            case url
        }

        public let name: String
        public let type: ValueType
        public let required: Bool
        public let defaultValue: JSONValue?
        /// Allowed values for a string.
        public let allowedValues: [String]?
        /// Allowed range for an integer.
        public let range: ClosedRange<Int64>?
        /// Whether `null` is a meaningful value (for example "send no username").
        public let nullable: Bool
        public let description: String

        /// Creates a field.
        public init(
            _ name: String, _ type: ValueType, required: Bool = false, default defaultValue: JSONValue? = nil,
            allowedValues: [String]? = nil, range: ClosedRange<Int64>? = nil, nullable: Bool = false,
            description: String
        ) {
            self.name = name
            self.type = type
            self.required = required
            self.defaultValue = defaultValue
            self.allowedValues = allowedValues
            self.range = range
            self.nullable = nullable
            self.description = description
        }
    }

    public let fields: [Field]

    /// Creates a schema.
    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// The fields every adapter that calls its provider over HTTP includes, read by ``AdapterConfig/urlPolicy``:
    /// its `url` fields must be `https` to a public address unless an admin explicitly allows otherwise.
    public static let outboundFields: [Field] = [
        Field(
            "allowInsecureLoopback", .boolean, default: .bool(false),
            description: "Allow plain http to a loopback address (local simulators only)."),
        Field(
            "allowPrivateNetworks", .boolean, default: .bool(false),
            description:
                "Allow https URLs that resolve to private-network or loopback addresses (a self-hosted provider on an internal network); link-local, documentation, multicast and reserved ranges stay refused."
        ),
    ]

    /// The names of the secret fields.
    public var secretFields: [String] { fields.filter { $0.type == .secret }.map(\.name) }

    /// The `url` fields set in validated `values`, by field name: where the adapter connects.
    public func urls(in values: [String: JSONValue]) -> [(field: String, url: String)] {
        fields.filter { $0.type == .url }.compactMap { field in values[field.name]?.stringValue.map { (field.name, $0) } }
    }

    /// Checks `config` and returns it with defaults filled in. Secret fields must be references.
    public func validate(_ config: JSONValue) throws -> [String: JSONValue] {
        guard let members = config.objectMembers else { throw Self.invalid("the adapter config must be an object") }
        var values: [String: JSONValue] = [:]
        for member in members {
            guard let field = fields.first(where: { $0.name == member.key }) else {
                throw Self.invalid("unknown config key \"\(member.key.prefix(40))\"; known: \(fields.map(\.name).joined(separator: ", "))")
            }
            try check(member.value, against: field)
            values[field.name] = member.value
        }
        for field in fields where values[field.name] == nil {
            if let value = field.defaultValue {
                values[field.name] = value
            } else if field.required {
                throw Self.invalid("config key \"\(field.name)\" is required")
            }
        }
        return values
    }

    private func check(_ value: JSONValue, against field: Field) throws {
        if value == .null {
            guard field.nullable else { throw Self.invalid("\(field.name) may not be null") }
            return
        }
        let name = field.name
        switch field.type {
        case .string:
            guard let text = value.stringValue else { throw Self.invalid("\(name) must be a string") }
            if let allowed = field.allowedValues, !allowed.contains(text) {
                throw Self.invalid("\(name) must be one of \(allowed.joined(separator: ", "))")
            }
        case .secret:
            guard let text = value.stringValue else { throw Self.invalid("\(name) must be a secret reference") }
            _ = try SecretReference(text)
        case .url:
            guard let text = value.stringValue, text.hasPrefix("https://") || text.hasPrefix("http://"),
                text.count > 8, !text.contains(" ")
            else { throw Self.invalid("\(name) must be an absolute http(s) URL") }
        case .integer:
            guard let number = value.integerValue else { throw Self.invalid("\(name) must be an integer") }
            if let range = field.range, !range.contains(number) {
                throw Self.invalid("\(name) must be between \(range.lowerBound) and \(range.upperBound)")
            }
        case .boolean:
            guard value.boolValue != nil else { throw Self.invalid("\(name) must be true or false") }
        case .stringList:
            guard let list = value.arrayElements, list.allSatisfy({ $0.stringValue != nil }) else {
                throw Self.invalid("\(name) must be a list of strings")
            }
        case .object:
            guard value.objectMembers != nil else { throw Self.invalid("\(name) must be an object") }
        }
    }

    /// `invalid_config` with `message`: a configuration the schema or an adapter's settings refuse.
    public static func invalid(_ message: String) -> TelegateError {
        TelegateError(.invalidConfig, message)
    }

    /// The schema as JSON, for the admin API and the CLI.
    public var json: JSONValue {
        .array(
            fields.map { field in
                var members: [(key: String, value: JSONValue)] = [
                    ("name", .string(field.name)), ("type", .string(field.type.rawValue)),
                    ("required", .bool(field.required)), ("description", .string(field.description)),
                ]
                if let value = field.defaultValue { members.append(("default", value)) }
                if let allowed = field.allowedValues { members.append(("allowedValues", .array(allowed.map { .string($0) }))) }
                if let range = field.range {
                    members.append(("minimum", .integer(range.lowerBound)))
                    members.append(("maximum", .integer(range.upperBound)))
                }
                if field.nullable { members.append(("nullable", .bool(true))) }
                return .object(members)
            })
    }
}
