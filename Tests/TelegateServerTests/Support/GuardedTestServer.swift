import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import TelegateServer
import TestSupport

/// A small HTTP server behind a ``ConnectionGuard``, for the connection tests: `GET /healthz` answers at once,
/// `GET /hold` waits until the test releases it (a connection busy with a request), `POST /echo` reads the whole
/// body and answers with its length.
final class GuardedTestServer: Sendable {
    /// Requests held by `GET /hold` until ``release()``.
    final class Holds: Sendable {
        private struct State {
            var released = false
            var waiting: [CheckedContinuation<Void, Never>] = []
            /// Who waits for a number of held requests, and that number.
            var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

            /// Takes out the watchers whose number is reached.
            mutating func reached() -> [CheckedContinuation<Void, Never>] {
                let count = waiting.count
                defer { watchers.removeAll { $0.count <= count } }
                return watchers.filter { $0.count <= count }.map(\.continuation)
            }
        }

        private let state = Mutex(State())

        /// Requests held now.
        var count: Int { state.withLock { $0.waiting.count } }

        func wait() async {
            await withCheckedContinuation { continuation in
                let (resume, reached) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if state.released { return (true, []) }
                    state.waiting.append(continuation)
                    return (false, state.reached())
                }
                if resume { continuation.resume() }
                for watcher in reached { watcher.resume() }
            }
        }

        /// Returns once `count` requests are held (at once when they already are).
        func held(_ count: Int) async {
            await withCheckedContinuation { continuation in
                let reached = state.withLock { state in
                    state.watchers.append((count, continuation))
                    return state.reached()
                }
                for watcher in reached { watcher.resume() }
            }
        }

        /// Answers every held request, and every later one at once.
        func release() {
            let waiting = state.withLock { state in
                state.released = true
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    /// The server did not start (its port was taken meanwhile).
    struct NotStarted: Error {}

    let port: Int
    let connectionGuard: ConnectionGuard
    let holds = Holds()

    /// Returns once `count` requests are held: it waits for the requests themselves, not for a clock.
    func waitForHolds(_ count: Int) async {
        await holds.held(count)
    }

    private init(port: Int, connectionGuard: ConnectionGuard) {
        self.port = port
        self.connectionGuard = connectionGuard
    }

    /// Serves with `limits` while `body` runs.
    static func run(
        limits: ConnectionLimits, exempt: [String] = [], _ body: (GuardedTestServer) async throws -> Void
    ) async throws {
        let logger = Logger(label: "test.connections") { _ in SwiftLogNoOpLogHandler() }
        let server = GuardedTestServer(
            port: FreePort.next(), connectionGuard: ConnectionGuard(limits: limits, exemptAddresses: exempt, logger: logger))
        let router = Router()
        router.get("/healthz") { _, _ in "ok" }
        router.get("/hold") { _, _ in
            await server.holds.wait()
            return "released"
        }
        router.post("/echo") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            return "\(body.readableBytes)"
        }
        let (started, ready) = AsyncStream.makeStream(of: Void.self)
        let application = Application(
            router: router, server: server.connectionGuard.http1(),
            configuration: .init(address: .hostname("127.0.0.1", port: server.port)),
            onServerRunning: { _ in ready.yield() }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { ready.finish() }
                try await group.run()
            }
            var isRunning = false
            for await _ in started {
                isRunning = true
                break
            }
            guard isRunning else {
                try await tasks.next()
                throw NotStarted()
            }
            var failure: (any Error)?
            do {
                try await body(server)
            } catch {
                failure = error
            }
            server.holds.release()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            if let failure { throw failure }
        }
    }

    /// Opens a raw connection from `source`, sending `first` as soon as it connects
    /// (see ``RawConnection/open(port:from:sending:)``).
    func connect(from source: String = "127.0.0.1", sending first: String? = nil) async throws -> RawConnection {
        try await RawConnection.open(port: port, from: source, sending: first)
    }

    /// `GET /healthz` on a new connection from `source`: the status, or `nil` when the connection was closed
    /// without an answer.
    func healthz(from source: String = "127.0.0.1") async throws -> Int? {
        let connection = try await connect(
            from: source, sending: "GET /healthz HTTP/1.1\r\nHost: telegate\r\nConnection: close\r\n\r\n")
        defer { connection.close() }
        return try await connection.waitForReply()?.status
    }
}
