import ClerkSimulator

/// The Clerk simulator behind every instance's `clerk` adapter: it counts the Clerk users the instances created
/// between them.
struct ClerkCluster: SimulatedClusterProvider {
    let simulator = SimulatorProcess(kind: "clerk")

    var adapterYAML: String {
        """
        {name: main, kind: clerk, default: true, config: {secretKey: "env:CLERK_SECRET_KEY", \
        apiURL: "\(simulator.baseURL)", allowInsecureLoopback: true, ticketTTL: 120}}
        """
    }

    var environment: [String: String] { ["CLERK_SECRET_KEY": ClerkInstanceSettings.defaultSecretKey] }

    /// Pages through `GET /v1/users`, as a Clerk client would.
    func providerUserCount() async throws -> Int? {
        try await simulator.countUsers(
            pageSize: 500, headers: [("Authorization", "Bearer \(ClerkInstanceSettings.defaultSecretKey)")],
            path: { offset, _ in "/v1/users?limit=500&offset=\(offset)" }, users: { $0 as? [Any] })
    }
}
