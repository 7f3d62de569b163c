import Hummingbird
import Logging
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
        let quiet = Logger(label: "test.loopback") { _ in SwiftLogNoOpLogHandler() }
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            let (ports, ready) = AsyncStream.makeStream(of: Int.self)
            tasks.addTask {
                // A server that fails to start ends the stream, so the wait below ends too.
                defer { ready.finish() }
                let application = Application(
                    router: makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { ready.yield($0.localAddress?.port ?? 0) }, logger: quiet)
                try await application.run()
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
            return try await body("http://127.0.0.1:\(port)")
        }
    }
}

extension ProviderSimulator {
    /// Serves this simulator on a free loopback port while `body` runs with its base URL.
    public func serving<Value: Sendable>(_ body: (String) async throws -> Value) async throws -> Value {
        try await LoopbackServer.serving({ makeRouter() }, body)
    }
}
