import AsyncHTTPClient
import Logging
import ServiceLifecycle
import TelegateApp

/// Why a test server could not be run.
public struct ServingFailure: Error, CustomStringConvertible {
    public let description: String
}

extension TelegateApplication {
    /// Serves this application on its configured address while `body` runs, then stops the server and shuts the
    /// application down (its HTTP client and storage) and `client` (the test's own), whether `body` succeeded or not.
    public func serving(closing client: HTTPClient? = nil, _ body: () async throws -> Void) async throws {
        let (started, ready) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(
            configuration: .init(
                services: [httpApplication { ready.yield($0) }], gracefulShutdownSignals: [],
                logger: Logger(label: "test.services") { _ in SwiftLogNoOpLogHandler() }))
        var failure: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    // A server that cannot start (its port taken meanwhile) ends the stream, so the wait ends too.
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
                    throw ServingFailure(description: "Telegate did not start")
                }
                do {
                    try await body()
                } catch {
                    failure = error
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        } catch {
            failure = failure ?? error
        }
        try? await shutdown()
        try? await client?.shutdown()
        if let failure { throw failure }
    }
}
