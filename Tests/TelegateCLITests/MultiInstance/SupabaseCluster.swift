import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SupabaseSimulator
import Synchronization
import TestSupport

/// `telegate simulate supabase` in a process of its own, behind every instance's `supabase` adapter: it counts the
/// Supabase users the instances created between them. Its per-IP rate limit is lifted, so the test measures
/// Telegate, not the limit.
final class SupabaseCluster: ClusterProvider {
    private let port = FreePort.next()
    private let client = HTTPClient(eventLoopGroupProvider: .singleton)
    private let process = Mutex<ChildProcess?>(nil)
    private var base: String { "http://127.0.0.1:\(port)" }
    private static let key = SupabaseProjectSettings.defaultServiceRoleKey

    func start() async throws {
        let simulator = try ChildProcess(CLIProcess.executable.path, ["simulate", "supabase", "--port", String(port)])
        process.withLock { $0 = simulator }
        try await TelegateInstance.waitUntilReady("the Supabase simulator", isRunning: { simulator.isRunning }) {
            (try? await send(.GET, "/_simulator/calls").status) == 200
        }
        let limit = try await send(.PUT, "/_simulator/supabase/rate_limit", body: #"{"requests": 100000000, "seconds": 10}"#)
        guard limit.status == 204 else { throw InstanceFailure(message: "the Supabase simulator did not start") }
    }

    var adapterYAML: String {
        """
        {name: main, kind: supabase, default: true, config: {serviceRoleKey: "env:SUPABASE_SECRET_KEY", \
        url: "\(base)", emailDomain: tg.example.com, allowInsecureLoopback: true}}
        """
    }

    var environment: [String: String] { ["SUPABASE_SECRET_KEY": Self.key] }

    /// Pages through `GET /auth/v1/admin/users`, as a Supabase admin client would.
    func providerUserCount() async throws -> Int? {
        var count = 0
        var page = 1
        while true {
            let reply = try await send(.GET, "/auth/v1/admin/users?page=\(page)&per_page=1000", admin: true)
            guard reply.status == 200, let body = try JSONSerialization.jsonObject(with: reply.body) as? [String: Any],
                let users = body["users"] as? [Any]
            else { throw InstanceFailure(message: "the Supabase simulator did not list its users") }
            count += users.count
            if users.count < 1000 { return count }
            page += 1
        }
    }

    func stop() async {
        if let simulator = process.withLock({ $0 }) { await simulator.stop(gracePeriod: 5) }
        try? await client.shutdown()
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String? = nil, admin: Bool = false) async throws
        -> (status: Int, body: Data)
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if admin {
            request.headers.add(name: "apikey", value: Self.key)
            request.headers.add(name: "Authorization", value: "Bearer \(Self.key)")
        }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), Data(bytes.readableBytesView))
    }
}
