import SupabaseSimulator

/// The Supabase simulator behind every instance's `supabase` adapter: it counts the Supabase users the instances
/// created between them.
struct SupabaseCluster: SimulatedClusterProvider {
    let simulator = SimulatorProcess(kind: "supabase")
    private static let key = SupabaseProjectSettings.defaultServiceRoleKey

    var adapterYAML: String {
        """
        {name: main, kind: supabase, default: true, config: {serviceRoleKey: "env:SUPABASE_SECRET_KEY", \
        url: "\(simulator.baseURL)", emailDomain: tg.example.com, allowInsecureLoopback: true}}
        """
    }

    var environment: [String: String] { ["SUPABASE_SECRET_KEY": Self.key] }

    /// Pages through `GET /auth/v1/admin/users`, as a Supabase admin client would.
    func providerUserCount() async throws -> Int? {
        try await simulator.countUsers(
            pageSize: 1000, headers: [("apikey", Self.key), ("Authorization", "Bearer \(Self.key)")],
            path: { _, page in "/auth/v1/admin/users?page=\(page)&per_page=1000" },
            users: { ($0 as? [String: Any])?["users"] as? [Any] })
    }
}
