import HummingbirdTesting
import TelegateApp

/// Why an in-process Telegate could not be run.
public struct InProcessFailure: Error, CustomStringConvertible {
    public let description: String
}

extension TelegateApplication {
    /// Runs the same router and background services as `serve`, without a socket, while `body` sends requests
    /// through Hummingbird's router testing; then stops the services and shuts the application down (its HTTP
    /// client and storage), whether `body` succeeded or not.
    public func inProcess(_ body: (TelegateClient) async throws -> Void) async throws {
        let (clients, handOut) = AsyncStream.makeStream(of: TelegateClient.self)
        let (finished, finish) = AsyncStream.makeStream(of: Void.self)
        var failure: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { [application = httpApplication()] in
                    // A router that cannot start ends the stream, so the wait below ends too.
                    defer { handOut.finish() }
                    try await application.test(.router) { client in
                        handOut.yield(TelegateClient(router: client))
                        for await _ in finished {}
                    }
                }
                var client: TelegateClient?
                for await next in clients {
                    client = next
                    break
                }
                guard let client else {
                    try await tasks.next()
                    throw InProcessFailure(description: "Telegate did not start")
                }
                do {
                    try await body(client)
                } catch {
                    failure = error
                }
                finish.finish()
                try await tasks.waitForAll()
            }
        } catch {
            failure = failure ?? error
        }
        try? await shutdown()
        if let failure { throw failure }
    }
}
