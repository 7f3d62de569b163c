import AsyncHTTPClient
import ClerkSimulator
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import TestSupport

/// `telegate simulate clerk` in a process of its own, behind every instance's `clerk` adapter: it counts the Clerk
/// users the instances created between them. (In this test process, its load would starve the other tests.) Its
/// rate limit is lifted, so the test measures Telegate, not the limit.
final class ClerkCluster: ClusterProvider {
    private let port = FreePort.next()
    private let client = HTTPClient(eventLoopGroupProvider: .singleton)
    private let process = Mutex<ChildProcess?>(nil)
    private var base: String { "http://127.0.0.1:\(port)" }

    func start() async throws {
        let simulator = try ChildProcess(CLIProcess.executable.path, ["simulate", "clerk", "--port", String(port)])
        process.withLock { $0 = simulator }
        try await TelegateInstance.waitUntilReady("the Clerk simulator", isRunning: { simulator.isRunning }) {
            (try? await send(.GET, "/_simulator/calls").status) == 200
        }
        let limit = try await send(.PUT, "/_simulator/clerk/rate_limit", body: #"{"requests": 100000000, "seconds": 10}"#)
        guard limit.status == 204 else { throw InstanceFailure(message: "the Clerk simulator did not start") }
    }

    var adapterYAML: String {
        """
        {name: main, kind: clerk, default: true, config: {secretKey: "env:CLERK_SECRET_KEY", \
        apiURL: "\(base)", allowInsecureLoopback: true, ticketTTL: 120}}
        """
    }

    var environment: [String: String] { ["CLERK_SECRET_KEY": ClerkInstanceSettings.defaultSecretKey] }

    /// Pages through `GET /v1/users`, as a Clerk client would.
    func providerUserCount() async throws -> Int? {
        var count = 0
        while true {
            let page = try await send(
                .GET, "/v1/users?limit=500&offset=\(count)", authorization: "Bearer \(ClerkInstanceSettings.defaultSecretKey)")
            guard page.status == 200, let users = try JSONSerialization.jsonObject(with: page.body) as? [Any] else {
                throw InstanceFailure(message: "the Clerk simulator did not list its users")
            }
            count += users.count
            if users.count < 500 { return count }
        }
    }

    func stop() async {
        if let simulator = process.withLock({ $0 }) { await simulator.stop(gracePeriod: 5) }
        try? await client.shutdown()
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String? = nil, authorization: String? = nil) async throws
        -> (status: Int, body: Data)
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), Data(bytes.readableBytesView))
    }
}
