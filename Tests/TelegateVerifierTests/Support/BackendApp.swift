import Hummingbird
import HummingbirdWebSocket
import Logging
import Synchronization
import TelegateTesting
import TelegateVerifier
import TelegateVerifierHummingbird

/// The request context of the app backend under test: WebSockets and the verified bearer token.
struct BackendContext: RequestContext, WebSocketRequestContext, TelegateAuthenticatedContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<BackendContext>
    var telegateToken: VerifiedToken?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
    }
}

/// An app's backend as its developers would write it with TelegateVerifierHummingbird: `GET /api/me` behind the bearer
/// middleware, and `/live`, a WebSocket authenticated by its first message whose handler answers `whoami` with the
/// current token's `jti`.
enum BackendApp {
    /// WebSocket connections the handler was given, over the app's life.
    static let connections = Mutex<[String: Int]>([:])

    static func router(verifier: TelegateVerifier, authenticator: TelegateWebSocketAuthenticator, name: String) -> Router<BackendContext> {
        let router = Router(context: BackendContext.self)
        router.group("api").add(middleware: TelegateBearerMiddleware(verifier: verifier)).get("me") { _, context in
            context.telegateToken?.subject ?? ""
        }
        router.ws("/live") { inbound, outbound, context in
            try await authenticator.handle(inbound, outbound, logger: context.logger) { socket in
                connections.withLock { $0[name, default: 0] += 1 }
                for await message in socket.messages where message == .text("whoami") {
                    try await socket.outbound.writeTextMessage(socket.token.tokenID ?? "")
                }
            }
        }
        return router
    }

    /// Serves the backend, taking WebSocket frames of up to `maxFrameSize` bytes, on a free loopback port while `body`
    /// runs with its port.
    static func serving(
        verifier: TelegateVerifier, authenticator: TelegateWebSocketAuthenticator, name: String, maxFrameSize: Int = 1 << 14,
        _ body: (Int) async throws -> Void
    ) async throws {
        try await LoopbackServer.running({ configuration, onServerRunning, logger in
            let routes = router(verifier: verifier, authenticator: authenticator, name: name)
            return Application(
                router: routes,
                server: .http1WebSocketUpgrade(
                    webSocketRouter: routes, configuration: .init(ws: WebSocketServerConfiguration(maxFrameSize: maxFrameSize))),
                configuration: configuration,
                onServerRunning: onServerRunning, logger: logger)
        }, body)
    }
}
