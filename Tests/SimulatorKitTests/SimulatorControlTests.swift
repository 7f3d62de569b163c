import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SimulatorKit
import Testing

/// The machinery every simulator shares, through a tiny simulator served over real HTTP.
@Suite("Simulator control")
struct SimulatorControlTests {
    /// A simulator with one operation, `ping` at `GET /ping`, answering `{"pong":true}`.
    struct PingSimulator: ProviderSimulator {
        static let kind = "ping"
        static let summary = "answers pings"
        let control = SimulatorControl()
        let acceptedCredentials: [SimulatorCredential] = []

        func makeRouter() -> Router<BasicRequestContext> {
            let router = Router()
            router.get("/ping") { _, _ in
                try await control.handle("ping") { SimulatorControl.json(#"{"pong":true}"#) }
            }
            control.addRoutes(to: router)
            return router
        }
    }

    /// Serves a fresh simulator on a free port for `body`.
    private func withSimulator(_ body: (PingSimulator, String) async throws -> Void) async throws {
        let simulator = PingSimulator()
        let (ports, ready) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await simulator.serve(port: 0, logger: Logger(label: "test.simulator")) { ready.yield($0) }
            }
            var port = 0
            for await bound in ports {
                port = bound
                break
            }
            try await body(simulator, "http://127.0.0.1:\(port)")
            group.cancelAll()
        }
    }

    private func get(_ url: String, method: HTTPMethod = .GET, body: String? = nil) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        // Every test's simulator listens on a port the kernel chose, which a later test may be given again: a pooled
        // keep-alive connection to an earlier simulator must never be reused for it.
        request.headers.add(name: "Connection", value: "close")
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers, String(buffer: bytes))
    }

    @Test("Calls are counted per operation, faulted ones included, and can be reset")
    func counting() async throws {
        try await withSimulator { (simulator: PingSimulator, base: String) async throws in
            for _ in 0..<3 { #expect(try await get(base + "/ping").body == #"{"pong":true}"#) }
            simulator.control.inject(SimulatorFault(.status(503), times: 1))
            #expect(try await get(base + "/ping").status == 503)
            #expect(simulator.control.calls("ping") == 4)
            #expect(try await get(base + "/_simulator/calls").body == #"{"ping":4}"#)
            #expect(try await get(base + "/_simulator/calls", method: .DELETE).status == 204)
            #expect(simulator.control.calls("ping") == 0)
        }
    }

    @Test("Each effect: status, 429 with Retry-After, a cut-off body, a dropped connection, a delay")
    func effects() async throws {
        try await withSimulator { (simulator: PingSimulator, base: String) async throws in
            simulator.control.inject(SimulatorFault(.rateLimited(retryAfter: 7), operation: "ping", times: 1))
            let limited = try await get(base + "/ping")
            #expect(limited.status == 429 && limited.headers.first(name: "Retry-After") == "7")
            simulator.control.inject(SimulatorFault(.malformedBody, times: 1))
            let malformed = try await get(base + "/ping")
            #expect(malformed.status == 200 && malformed.body == #"{"id":"user_2x"#)
            simulator.control.inject(SimulatorFault(.dropConnection, times: 1))
            await #expect(throws: (any Error).self) { _ = try await get(base + "/ping") }
            simulator.control.inject(SimulatorFault(.delay(.milliseconds(300)), times: 1))
            let started = ContinuousClock.now
            #expect(try await get(base + "/ping").body == #"{"pong":true}"#)
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            #expect(try await get(base + "/ping").status == 200)
        }
    }

    @Test("A fault for another operation does not apply; one without a count lasts until cleared")
    func matching() async throws {
        try await withSimulator { (simulator: PingSimulator, base: String) async throws in
            simulator.control.inject(SimulatorFault(.status(500), operation: "create_user"))
            #expect(try await get(base + "/ping").status == 200)
            simulator.control.inject(SimulatorFault(.status(502)))
            for _ in 0..<3 { #expect(try await get(base + "/ping").status == 502) }
            simulator.control.clearFaults()
            #expect(try await get(base + "/ping").status == 200)
        }
    }

    @Test("Faults can be injected and cleared over HTTP; a malformed fault is refused")
    func overHTTP() async throws {
        try await withSimulator { (_: PingSimulator, base: String) async throws in
            #expect(try await get(base + "/_simulator/faults", method: .POST, body: #"{"effect":"status","status":504,"times":2}"#).status == 204)
            #expect(try await get(base + "/ping").status == 504)
            #expect(try await get(base + "/ping").status == 504)
            #expect(try await get(base + "/ping").status == 200)
            #expect(try await get(base + "/_simulator/faults", method: .POST, body: #"{"effect":"status"}"#).status == 400)
            #expect(try await get(base + "/_simulator/faults", method: .POST, body: #"{"effect":"delay","milliseconds":1,"times":0}"#).status == 400)
            #expect(try await get(base + "/_simulator/faults", method: .POST, body: #"{"effect":"rateLimited","retryAfter":3}"#).status == 204)
            #expect(try await get(base + "/ping").status == 429)
            #expect(try await get(base + "/_simulator/faults", method: .DELETE).status == 204)
            #expect(try await get(base + "/ping").status == 200)
        }
    }

    @Test("Misbehaviours are left to the simulator: the call answers normally and the simulator takes each one once")
    func misbehaviours() async throws {
        try await withSimulator { (simulator: PingSimulator, base: String) async throws in
            let control = simulator.control
            control.inject(SimulatorFault(.misbehave(.duplicate), operation: "create_user", times: 1))
            #expect(try await get(base + "/_simulator/faults", method: .POST, body: #"{"effect":"foreignAccount","operation":"ping","times":2}"#).status == 204)
            #expect(try await get(base + "/_simulator/faults", method: .POST, body: #"{"effect":"impersonate"}"#).status == 400)
            #expect(try await get(base + "/ping").body == #"{"pong":true}"#, "a misbehaviour is no transport fault")
            #expect(control.misbehaviour("list_users") == nil)
            #expect(control.misbehaviour("create_user") == .duplicate)
            #expect(control.misbehaviour("create_user") == nil)
            #expect(control.misbehaviour("ping") == .foreignAccount)
            #expect(control.misbehaviour("ping") == .foreignAccount)
            #expect(control.misbehaviour("ping") == nil)
        }
    }
}
