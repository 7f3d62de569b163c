import StrictJSON

/// An adapter as configured: its name in the app, its kind, whether exchanges that name no provider use it, and
/// its config, whose secret fields hold references (`env:…`, `file:…`), never values. The kind's
/// ``AdapterConfigSchema`` checks the config when the adapter is stored (``ConfigurationRows``); ``validate()`` holds
/// the rules that do not depend on the kind.
///
/// Spelled the same in the file and the admin API: `{name, kind, default, config}`.
public struct AdapterSpec: Sendable, Equatable {
    public var name: AdapterName
    public var kind: String
    public var isDefault: Bool
    /// The configuration object.
    public var config: JSONValue

    /// Creates a spec.
    public init(name: AdapterName, kind: String, isDefault: Bool = false, config: JSONValue = .object([])) {
        self.name = name
        self.kind = kind
        self.isDefault = isDefault
        self.config = config
    }

    /// Checks the rules of an adapter of any kind; a refusal is `422 invalid_field`.
    public func validate() throws(TelegateError) {
        guard config.objectMembers != nil else { throw .invalidSpec("config must be an object") }
    }
}

extension AdapterSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case name, kind, `default`, config }

    public init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: CodingKeys.self)
        let name = try members.decode(.name, as: AdapterName.init(rawValue:), rule: "must be a lowercase slug like clerk")
        self.init(
            name: name, kind: try members.decode(String.self, forKey: .kind),
            isDefault: try members.decodeIfPresent(Bool.self, forKey: .default) ?? false,
            config: try members.decodeIfPresent(JSONValue.self, forKey: .config) ?? .object([]))
    }

    public func encode(to encoder: any Encoder) throws {
        var members = encoder.container(keyedBy: CodingKeys.self)
        try members.encode(name.rawValue, forKey: .name)
        try members.encode(kind, forKey: .kind)
        try members.encode(isDefault, forKey: .default)
        try members.encode(config, forKey: .config)
    }
}

extension AdapterSpec {
    /// The spec of a stored adapter: its config with secret fields as their references.
    public init(_ adapter: StoredAdapter) {
        self.init(
            name: adapter.name, kind: adapter.kind, isDefault: adapter.isDefault,
            config: .object((adapter.config.objectMembers ?? []).filter { $0.key != StoredAdapter.fingerprintKey }))
    }
}
