import Foundation
import HummingbirdWebSocket
import Logging
import TelegateVerifier

/// First-message authentication for hummingbird-websocket, with the identity swapped in place.
///
/// The protocol: the client's first message is the text `{"type":"auth","token":"<token>"}`, within ``deadline``
/// of the upgrade. Later `auth` messages replace the connection's identity without a reconnect (subscriptions stay
/// open); every other message is the app's. The connection is closed with a ``WebSocketAuthenticationClose`` code
/// when the first message is late (4408) or is not an accepted `auth` message (4401, or 4403 for a token of another
/// audience or issuer), when a later `auth` message's token is refused (the same codes), and when the current
/// identity's token is no longer accepted (4401): at its `exp` plus the verifier's leeway, the instant from which
/// the verifier refuses it (``TelegateVerifier/acceptedUntil(_:)``). A client keeps its connection by sending a
/// fresh token before `exp`.
///
/// ```swift
/// let authenticator = TelegateWebSocketAuthenticator(verifier: verifier)
/// router.ws("/live") { inbound, outbound, context in
///     try await authenticator.handle(inbound, outbound, logger: context.logger) { socket in
///         for await message in socket.messages {
///             try await socket.outbound.writeTextMessage("hello \(socket.token.subject)")
///         }
///     }
/// }
/// ```
public struct TelegateWebSocketAuthenticator: Sendable {
    private let verifier: TelegateVerifier
    private let kind: TokenKind
    private let deadline: Duration
    private let maxMessageSize: Int
    private let checkingRevocation: Bool

    /// An authenticator accepting tokens of `kind` (access tokens by default) that `verifier` accepts; the first
    /// message must arrive within `deadline` on the verifier's clock; messages are at most `maxMessageSize` bytes.
    /// With `checkingRevocation`, each `auth` message's token is also introspected.
    public init(
        verifier: TelegateVerifier, kind: TokenKind = .accessToken, deadline: Duration = .seconds(10), maxMessageSize: Int = 1 << 20,
        checkingRevocation: Bool = false
    ) {
        self.verifier = verifier
        self.kind = kind
        self.deadline = deadline
        self.maxMessageSize = maxMessageSize
        self.checkingRevocation = checkingRevocation
    }

    private enum Event: Sendable {
        /// An identity was accepted; the verifier accepts its token until `acceptedUntil`.
        case identity(acceptedUntil: Date)
        /// The app's handler returned.
        case handlerFinished
    }

    /// Authenticates the connection, then runs `body` with it once the first token is accepted; returns when the
    /// connection has closed. `body` returning closes the connection normally.
    public func handle(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, logger: Logger,
        _ body: @escaping @Sendable (AuthenticatedWebSocket) async throws -> Void
    ) async throws {
        let (events, eventSink) = AsyncStream.makeStream(of: Event.self)
        let (messages, messageSink) = AsyncStream.makeStream(of: WebSocketMessage.self)
        let socket = AuthenticatedWebSocket(messages: messages, outbound: outbound)
        let clock = verifier.clock
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [deadline] in
                try await clock.suspend(clock.deadline(after: deadline))
                if !socket.isAuthenticated { await socket.close(.authenticationTimeout) }
            }
            group.addTask {
                defer {
                    messageSink.finish()
                    eventSink.finish()
                }
                for try await message in inbound.messages(maxSize: maxMessageSize) {
                    // After a close, the peer's remaining messages are drained until its close frame.
                    guard !socket.isClosed else { continue }
                    switch AuthMessage(message) {
                    case .auth(let token):
                        do throws(VerificationError) {
                            let verified = try await verifier.verify(token, as: kind, checkingRevocation: checkingRevocation)
                            let acceptedUntil = verifier.acceptedUntil(verified)
                            socket.replace(with: verified, acceptedUntil: acceptedUntil)
                            eventSink.yield(.identity(acceptedUntil: acceptedUntil))
                        } catch {
                            logger.debug("WebSocket token refused", metadata: ["reason": "\(error)"])
                            await socket.close(Self.closeReason(for: error))
                        }
                    case .invalidAuth:
                        await socket.close(.unauthorized)
                    case .other:
                        if socket.isAuthenticated {
                            messageSink.yield(message)
                        } else {
                            await socket.close(.unauthorized)
                        }
                    }
                }
            }
            var started = false
            // The earliest deadline an expiry timer waits for: a timer follows the identity it finds when it wakes,
            // so a new one is needed only for a token that expires sooner (resent tokens add no timers).
            var earliestTimer: Date?
            for await event in events {
                switch event {
                case .identity(let acceptedUntil):
                    if !started {
                        started = true
                        group.addTask {
                            defer { eventSink.yield(.handlerFinished) }
                            do {
                                try await body(socket)
                            } catch {
                                logger.debug("WebSocket handler failed", metadata: ["error": "\(error)"])
                            }
                        }
                    }
                    if earliestTimer.map({ acceptedUntil < $0 }) ?? true {
                        earliestTimer = acceptedUntil
                        group.addTask {
                            var deadline = acceptedUntil
                            while let current = socket.currentExpiry {
                                if current <= deadline, clock.now() >= current {
                                    await socket.close(.unauthorized)
                                    return
                                }
                                deadline = max(current, deadline)
                                try await clock.suspend(deadline)
                            }
                        }
                    }
                case .handlerFinished:
                    await socket.close()
                }
            }
            group.cancelAll()
        }
    }

    /// The close code for a refused token.
    static func closeReason(for error: VerificationError) -> WebSocketAuthenticationClose {
        if error.isUnavailable { return .tryAgainLater }
        switch error {
        case .wrongAudience, .wrongIssuer: return .forbidden
        default: return .unauthorized
        }
    }
}
