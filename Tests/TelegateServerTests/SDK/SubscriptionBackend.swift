import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Synchronization
import TelegateVerifier
import TelegateVerifierHummingbird

/// An app backend streaming a subscription over `/live`, a WebSocket authenticated by its first message with
/// ``TelegateWebSocketAuthenticator``: each `tick` message the client sends is answered with the connection's next
/// counter value tagged with its current identity, `{"tick": n, "jti": "…"}`. It counts the upgrades, the
/// connections its handler was given (authenticated ones) and the identities it saw, in order.
final class SubscriptionBackend: Sendable {
    /// What the backend saw over its life.
    struct Seen: Sendable {
        /// WebSocket upgrades, authenticated or not.
        var upgrades = 0
        /// Connections the authenticator handed to the handler.
        var connections = 0
        /// The distinct `jti`s the handler answered with, in the order first seen.
        var identities: [String] = []
    }

    private let state = Mutex(Seen())
    private let authenticator: TelegateWebSocketAuthenticator

    init(authenticator: TelegateWebSocketAuthenticator) {
        self.authenticator = authenticator
    }

    /// What the backend saw so far.
    var seen: Seen { state.withLock { $0 } }

    /// The request context: WebSockets only.
    struct Context: RequestContext, WebSocketRequestContext {
        var coreContext: CoreRequestContextStorage
        let webSocket: WebSocketHandlerReference<Context>

        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            webSocket = .init()
        }
    }

    private func router() -> Router<Context> {
        let router = Router(context: Context.self)
        router.ws("/live") { [self, authenticator] inbound, outbound, context in
            self.state.withLock { $0.upgrades += 1 }
            try await authenticator.handle(inbound, outbound, logger: context.logger) { socket in
                self.state.withLock { $0.connections += 1 }
                var tick = 0
                for await message in socket.messages where message == .text("tick") {
                    tick += 1
                    let identity = socket.token.tokenID ?? ""
                    self.state.withLock { seen in
                        if !seen.identities.contains(identity) { seen.identities.append(identity) }
                    }
                    try await socket.outbound.writeTextMessage("{\"tick\":\(tick),\"jti\":\"\(identity)\"}")
                }
            }
        }
        return router
    }

    /// The backend's server stopped before it listened.
    struct NotStarted: Error {}

    /// Serves the backend on a free loopback port while `body` runs with its WebSocket URL (`ws://…/live`).
    func serving<Value: Sendable>(_ body: (String) async throws -> Value) async throws -> Value {
        let quiet = Logger(label: "test.subscription-backend") { _ in SwiftLogNoOpLogHandler() }
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            let (ports, ready) = AsyncStream.makeStream(of: Int.self)
            tasks.addTask { [self] in
                defer { ready.finish() }
                let routes = router()
                let application = Application(
                    router: routes, server: .http1WebSocketUpgrade(webSocketRouter: routes),
                    configuration: .init(address: .hostname("127.0.0.1", port: 0)),
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
                throw NotStarted()
            }
            return try await body("ws://127.0.0.1:\(port)/live")
        }
    }
}
