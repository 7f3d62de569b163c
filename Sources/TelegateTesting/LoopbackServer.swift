import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SimulatorKit

/// Serves a router on a free port of 127.0.0.1 while a test runs, for what Telegate reaches over HTTP (a provider
/// simulator, a ``FakeUpstream``).
public enum LoopbackServer {
    /// Why a loopback server could not be run.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Serves the router `makeRouter` builds while `body` runs with its base URL (`http://127.0.0.1:<port>`), then
    /// stops it.
    public static func serving<Value: Sendable>(
        _ makeRouter: @escaping @Sendable () -> Router<BasicRequestContext>, _ body: (String) async throws -> Value
    ) async throws -> Value {
        try await running({ configuration, onServerRunning, logger in
            Application(router: makeRouter(), configuration: configuration, onServerRunning: onServerRunning, logger: logger)
        }) { port in try await body("http://127.0.0.1:\(port)") }
    }

    /// Runs the server `makeServer` builds — on `configuration` (a free port of 127.0.0.1), calling `onServerRunning`
    /// once it listens, logging nothing — while `body` runs with its port, then stops it. For servers that are more than
    /// a router (a WebSocket upgrade, say).
    public static func running<Value: Sendable>(
        _ makeServer: @escaping @Sendable (
            _ configuration: ApplicationConfiguration, _ onServerRunning: @escaping @Sendable (any Channel) async -> Void,
            _ logger: Logger
        ) -> any Service,
        _ body: (Int) async throws -> Value
    ) async throws -> Value {
        let quiet = Logger(label: "test.loopback") { _ in SwiftLogNoOpLogHandler() }
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            let (ports, ready) = AsyncStream.makeStream(of: Int.self)
            tasks.addTask {
                // A server that fails to start ends the stream, so the wait below ends too.
                defer { ready.finish() }
                let server = makeServer(
                    .init(address: .hostname("127.0.0.1", port: 0)), { ready.yield($0.localAddress?.port ?? 0) }, quiet)
                try await server.run()
            }
            var started: Int?
            for await port in ports {
                started = port
                break
            }
            defer { tasks.cancelAll() }
            guard let port = started else {
                try await tasks.next()
                throw Failure(description: "the loopback server did not start")
            }
            return try await body(port)
        }
    }
}

extension ProviderSimulator {
    /// Serves this simulator on a free loopback port while `body` runs with its base URL.
    public func serving<Value: Sendable>(_ body: (String) async throws -> Value) async throws -> Value {
        try await LoopbackServer.serving({ makeRouter() }, body)
    }
}
