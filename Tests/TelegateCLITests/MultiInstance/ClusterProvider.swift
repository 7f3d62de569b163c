/// The identity provider a multi-instance cluster issues from: the adapter block of the configuration and, for
/// providers that keep users of their own, a count of them, so the "one provider user per Telegram user" invariant can
/// be checked. The built-in issuer is ``BuiltinIssuer``; a provider simulator (Clerk, Logto) is another conformance
/// that starts its simulator in ``start()``, points the adapter at it and counts the users it created.
protocol ClusterProvider: Sendable {
    /// Starts whatever the provider needs (a simulator) before the instances start.
    func start() async throws
    /// The `adapters:` entry of app `poll`, as YAML flow mapping.
    var adapterYAML: String { get }
    /// Environment the instances need for the adapter's secrets.
    var environment: [String: String] { get }
    /// How many users the provider holds; `nil` when it keeps none (the built-in issuer).
    func providerUserCount() async throws -> Int?
    /// Stops what ``start()`` started.
    func stop() async
}

/// Telegate's own OIDC issuer: nothing to start, no provider users.
struct BuiltinIssuer: ClusterProvider {
    func start() async throws {}
    var adapterYAML: String {
        "{name: main, kind: oidc, default: true, config: {audience: app, algorithm: ES256, refreshTokenTTL: 86400}}"
    }
    var environment: [String: String] { [:] }
    func providerUserCount() async throws -> Int? { nil }
    func stop() async {}
}

/// The providers the multi-instance tests run against, by name (test arguments must be `Sendable` values).
enum ClusterProviderKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Telegate's own OIDC issuer.
    case builtinIssuer = "built-in issuer"
    /// The Clerk adapter against the Clerk simulator.
    case clerk = "Clerk"
    /// The Supabase adapter against the Supabase simulator.
    case supabase = "Supabase"

    var description: String { rawValue }

    func make() -> any ClusterProvider {
        switch self {
        case .builtinIssuer: BuiltinIssuer()
        case .clerk: ClerkCluster()
        case .supabase: SupabaseCluster()
        }
    }
}
