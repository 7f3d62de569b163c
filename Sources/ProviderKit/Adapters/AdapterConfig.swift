import StrictJSON

/// A validated adapter configuration: values with defaults applied, and secrets resolved in memory only.
public struct AdapterConfig: Sendable {
    private let values: [String: JSONValue]
    private let secrets: [String: String]

    /// Creates a configuration from validated values and resolved secrets.
    public init(values: [String: JSONValue], secrets: [String: String]) {
        self.values = values
        self.secrets = secrets
    }

    /// The raw value of `key`.
    public func value(_ key: String) -> JSONValue? { values[key] }
    /// A string value.
    public func string(_ key: String) -> String? { values[key]?.stringValue }
    /// An integer value.
    public func integer(_ key: String) -> Int64? { values[key]?.integerValue }
    /// A boolean value.
    public func bool(_ key: String) -> Bool? { values[key]?.boolValue }
    /// A list of strings.
    public func strings(_ key: String) -> [String]? { values[key]?.arrayElements?.compactMap(\.stringValue) }
    /// Whether `key` is present and explicitly `null`.
    public func isNull(_ key: String) -> Bool { values[key] == .null }
    /// The resolved value of a secret field.
    public func secret(_ key: String) -> String? { secrets[key] }
    /// The typed settings of an adapter kind: the schema's members in its order, each absent one with the default
    /// the schema declares and each secret one with its resolved value, decoded strictly. A value the settings refuse
    /// is `invalid_config`; `userInfo` carries what a settings type derives defaults from (for example its issuer).
    public func decode<Settings: AdapterSettings>(
        _ type: Settings.Type, userInfo: [CodingUserInfoKey: any Sendable] = [:]
    ) throws -> Settings {
        let members: [(key: String, value: JSONValue)] = Settings.schema.fields.compactMap { field in
            let value = field.type == .secret ? secrets[field.name].map(JSONValue.string) : values[field.name] ?? field.defaultValue
            return value.map { (field.name, $0) }
        }
        var decoder = JSONValueDecoder()
        decoder.userInfo = userInfo
        do {
            return try decoder.decode(type, from: .object(members))
        } catch let error as JSONDecodingError {
            throw AdapterConfigSchema.invalid(error.description)
        }
    }

    /// What the adapter's URLs may point at, from the standard ``AdapterConfigSchema/outboundFields``.
    public var urlPolicy: OutboundURLPolicy {
        OutboundURLPolicy(
            allowInsecureLoopback: bool("allowInsecureLoopback") ?? false,
            allowPrivateNetworks: bool("allowPrivateNetworks") ?? false)
    }
}
