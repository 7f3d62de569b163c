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
    /// What the adapter's URLs may point at, from the standard ``AdapterConfigSchema/outboundFields``.
    public var urlPolicy: OutboundURLPolicy {
        OutboundURLPolicy(
            allowInsecureLoopback: bool("allowInsecureLoopback") ?? false,
            allowPrivateNetworks: bool("allowPrivateNetworks") ?? false)
    }
}
