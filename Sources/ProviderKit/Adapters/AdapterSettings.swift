import StrictJSON

/// The typed configuration of an adapter kind, decoded from its ``AdapterConfig`` by ``AdapterConfig/decode(_:userInfo:)``.
///
/// The ``schema`` declares each key once, with its type and default; a settings type reads every member the schema
/// gives a default as present (an absent member has been given its default before decoding), and a member that is
/// present and `null` as configured `null`. Secret members hold their resolved values. A settings type checks what the
/// schema cannot express in its `init(from:)`, throwing `invalid_config` (``AdapterConfigSchema/invalid(_:)``).
public protocol AdapterSettings: Decodable, Sendable {
    /// The configuration keys the kind accepts, their types and defaults.
    static var schema: AdapterConfigSchema { get }
}
