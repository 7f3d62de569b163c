import ClerkSimulator
import Logging
import Synchronization

/// The Clerk simulator, served in this test process, behind every instance's `clerk` adapter: it counts the Clerk
/// users the instances created between them. Its rate limit is lifted, so the test measures Telegate, not the limit.
final class ClerkCluster: ClusterProvider {
    private let simulator = ClerkSimulator()
    private let running = Mutex<(port: Int, task: Task<Void, any Error>)?>(nil)

    func start() async throws {
        simulator.setRateLimit(requests: 1_000_000, per: .seconds(10))
        let (ports, portReady) = AsyncStream.makeStream(of: Int.self)
        let simulator = simulator
        let task = Task {
            defer { portReady.finish() }
            try await simulator.serve(port: 0, logger: Logger(label: "clerk.simulator") { _ in SwiftLogNoOpLogHandler() }) {
                portReady.yield($0)
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            _ = try await task.value
            throw InstanceFailure(message: "the Clerk simulator did not start")
        }
        running.withLock { $0 = (port, task) }
    }

    var adapterYAML: String {
        let port = running.withLock { $0?.port ?? 0 }
        return """
            {name: main, kind: clerk, default: true, config: {secretKey: "env:CLERK_SECRET_KEY", \
            apiURL: "http://127.0.0.1:\(port)", allowInsecureLoopback: true, ticketTTL: 120}}
            """
    }

    var environment: [String: String] { ["CLERK_SECRET_KEY": ClerkInstanceSettings.defaultSecretKey] }

    func providerUserCount() async throws -> Int? { simulator.users.count }

    func stop() async {
        let task = running.withLock { running in
            defer { running = nil }
            return running?.task
        }
        task?.cancel()
        _ = try? await task?.value
    }
}
