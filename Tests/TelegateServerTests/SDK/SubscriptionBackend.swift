import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Synchronization
import TelegateTesting
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

    /// Serves the backend on a free loopback port while `body` runs with its WebSocket URL (`ws://…/live`).
    func serving<Value: Sendable>(_ body: (String) async throws -> Value) async throws -> Value {
        try await LoopbackServer.running({ [self] configuration, onServerRunning, logger in
            let routes = router()
            return Application(
                router: routes, server: .http1WebSocketUpgrade(webSocketRouter: routes), configuration: configuration,
                onServerRunning: onServerRunning, logger: logger)
        }) { port in try await body("ws://127.0.0.1:\(port)/live") }
    }
}
