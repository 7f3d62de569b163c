import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import TestSupport

/// `telegate simulate <kind>` in a process of its own on a free port, for a cluster's provider: in this test process,
/// its load would starve the other tests. Its rate limit is lifted once it is ready, so a test measures Telegate,
/// not the limit, unless the test is about the limits.
final class SimulatorProcess: Sendable {
    private let kind: String
    private let arguments: [String]
    private let liftsRateLimit: Bool
    private let port = FreePort.next()
    private let client = HTTPClient(eventLoopGroupProvider: .singleton)
    private let process = Mutex<ChildProcess?>(nil)
    /// The simulator's base URL.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The simulator of `kind` (`clerk`, `supabase`, `telegram-bot`) with the command's further `arguments`, not yet
    /// started; with `liftsRateLimit` false its rate limits stay as the simulator sets them.
    init(kind: String, arguments: [String] = [], liftsRateLimit: Bool = true) {
        self.kind = kind
        self.arguments = arguments
        self.liftsRateLimit = liftsRateLimit
    }

    /// Starts the simulator, waits until it answers, and lifts its rate limit (unless told not to).
    func start() async throws {
        let simulator = try ChildProcess(CLIProcess.executable.path, ["simulate", kind, "--port", String(port)] + arguments)
        process.withLock { $0 = simulator }
        try await TelegateInstance.waitUntilReady("the \(kind) simulator", isRunning: { simulator.isRunning }) {
            (try? await send(.GET, "/_simulator/calls").status) == 200
        }
        guard liftsRateLimit else { return }
        let limit = try await send(.PUT, "/_simulator/\(kind)/rate_limit", body: #"{"requests": 100000000, "seconds": 10}"#)
        guard limit.status == 204 else { throw InstanceFailure(message: "the \(kind) simulator did not start") }
    }

    /// Stops the simulator and the client.
    func stop() async {
        if let simulator = process.withLock({ $0 }) { await simulator.stop(gracePeriod: 5) }
        try? await client.shutdown()
    }

    /// A request to the simulator, with `headers`.
    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = []) async throws
        -> (status: Int, body: Data)
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(contentsOf: headers)
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), Data(bytes.readableBytesView))
    }

    /// The users the simulator holds, counted page by page: `path(offset, page)` is the listing after `offset` users
    /// (page `page`, from 1), `users` reads a page's users, and a page shorter than `pageSize` is the last.
    func countUsers(
        pageSize: Int, headers: [(String, String)], path: (_ offset: Int, _ page: Int) -> String, users: (Any) -> [Any]?
    ) async throws -> Int {
        var count = 0
        var page = 1
        while true {
            let reply = try await send(.GET, path(count, page), headers: headers)
            guard reply.status == 200, let listed = users(try JSONSerialization.jsonObject(with: reply.body)) else {
                throw InstanceFailure(message: "the \(kind) simulator did not list its users")
            }
            count += listed.count
            if listed.count < pageSize { return count }
            page += 1
        }
    }
}

/// A cluster provider backed by a ``SimulatorProcess``, started and stopped with the cluster.
protocol SimulatedClusterProvider: ClusterProvider {
    var simulator: SimulatorProcess { get }
}

extension SimulatedClusterProvider {
    func start() async throws { try await simulator.start() }
    func stop() async { await simulator.stop() }
}
