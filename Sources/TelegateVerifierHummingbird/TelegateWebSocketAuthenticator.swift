import Foundation
import HummingbirdWebSocket
import Logging
import TelegateVerifier

/// First-message authentication for hummingbird-websocket, with the identity swapped in place.
///
/// The protocol: the client's first message is the text `{"type":"auth","token":"<token>"}`, within ``deadline``
/// of the upgrade. Later `auth` messages replace the connection's identity with the same user's newer token, without
/// a reconnect (subscriptions stay open); every other message is the app's. The connection is closed with a
/// ``WebSocketAuthenticationClose`` code when the first message is late (4408), longer than `maxFirstMessageSize`
/// (1009, unparsed) or is not an accepted `auth` message (4401, or 4403 for a token of another audience or issuer),
/// when a later `auth` message's token is refused (the same codes) or names another user (1008), when `auth`
/// messages come faster than `maxAuthMessages` per `authMessageWindow` (1008, unverified), and when the
/// current identity's token is no longer accepted (4401): at its `exp` plus the verifier's leeway, the instant from
/// which the verifier refuses it (``TelegateVerifier/acceptedUntil(_:)``). A client keeps its connection by sending
/// a fresh token before `exp`.
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
    private let maxFirstMessageSize: Int
    private let maxAuthMessages: Int
    private let authMessageWindow: Duration
    private let checkingRevocation: Bool

    /// An authenticator accepting tokens of `kind` (access tokens by default) that `verifier` accepts; the first
    /// message must arrive within `deadline` on the verifier's clock and be at most `maxFirstMessageSize` bytes
    /// (16 KiB by default: an `auth` message is a few hundred); later messages are at most `maxMessageSize` bytes.
    /// A longer message closes the connection with 1009 as soon as its size is known, before it is parsed. A
    /// connection may send at most `maxAuthMessages` `auth` messages within any `authMessageWindow` (10 a minute by
    /// default; a client refreshing before each 5-minute token expires sends one every few minutes); one more closes
    /// it with 1008 before it is verified. With `checkingRevocation`, each `auth` message's token is also introspected.
    public init(
        verifier: TelegateVerifier, kind: TokenKind = .accessToken, deadline: Duration = .seconds(10), maxMessageSize: Int = 1 << 20,
        maxFirstMessageSize: Int = 16 << 10, maxAuthMessages: Int = 10, authMessageWindow: Duration = .seconds(60),
        checkingRevocation: Bool = false
    ) {
        self.verifier = verifier
        self.kind = kind
        self.deadline = deadline
        self.maxMessageSize = maxMessageSize
        self.maxFirstMessageSize = maxFirstMessageSize
        self.maxAuthMessages = maxAuthMessages
        self.authMessageWindow = authMessageWindow
        self.checkingRevocation = checkingRevocation
    }

    private enum Event: Sendable {
        /// An identity was accepted; the verifier accepts its token until `acceptedUntil`.
        case identity(acceptedUntil: Date)
        /// The app's handler returned.
        case handlerFinished
        /// The inbound stream failed (a fragmented message over the size limit, a protocol error).
        case inboundFailed(any Error)
    }

    /// Authenticates the connection, then runs `body` with it once the first token is accepted; returns when the
    /// connection has closed. `body` returning closes the connection normally. When the inbound stream fails (a
    /// message split into frames grows past the size limit, a protocol error), `handle` throws its error, which
    /// hummingbird-websocket answers with the error's close code (1009 for a message too big, 1002, 1007).
    public func handle(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, logger: Logger,
        _ body: @escaping @Sendable (AuthenticatedWebSocket) async throws -> Void
    ) async throws {
        let (events, eventSink) = AsyncStream.makeStream(of: Event.self)
        let (messages, messageSink) = AsyncStream.makeStream(of: WebSocketMessage.self)
        let socket = AuthenticatedWebSocket(messages: messages, outbound: outbound)
        let clock = verifier.clock
        let failure = await withThrowingTaskGroup(of: Void.self, returning: (any Error)?.self) { group in
            group.addTask { [deadline] in
                try await clock.suspend(clock.deadline(after: deadline))
                if !socket.isAuthenticated { await socket.close(.authenticationTimeout) }
            }
            group.addTask {
                defer {
                    messageSink.finish()
                    eventSink.finish()
                }
                do {
                    try await read(inbound, into: socket, eventSink: eventSink, messageSink: messageSink, logger: logger)
                } catch {
                    // The connection closes with the error's code once `handle` throws it: nothing may close it first.
                    socket.markClosed()
                    eventSink.yield(.inboundFailed(error))
                }
            }
            var started = false
            // The earliest deadline an expiry timer waits for: a timer follows the identity it finds when it wakes,
            // so a new one is needed only for a token that expires sooner (resent tokens add no timers).
            var earliestTimer: Date?
            var failure: (any Error)?
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
                case .inboundFailed(let error):
                    failure = error
                }
            }
            group.cancelAll()
            return failure
        }
        if let failure { throw failure }
    }

    /// Reads `inbound`'s messages until it ends: judges each `auth` message, and passes the app's messages on once
    /// the connection is authenticated; throws the stream's error.
    private func read(
        _ inbound: WebSocketInboundStream, into socket: AuthenticatedWebSocket, eventSink: AsyncStream<Event>.Continuation,
        messageSink: AsyncStream<WebSocketMessage>.Continuation, logger: Logger
    ) async throws {
        var frames = inbound.makeAsyncIterator()
        // When the `auth` messages within the last window arrived, oldest first.
        var recentAuthMessages: [Date] = []
        while true {
            let maxSize = socket.isAuthenticated ? maxMessageSize : maxFirstMessageSize
            // A message split into frames is refused by the stream as soon as it grows past `maxSize`.
            guard let message = try await frames.nextMessage(maxSize: maxSize) else { return }
            // After a close, the peer's remaining messages are drained until its close frame.
            guard !socket.isClosed else { continue }
            // A message in one frame is bounded only by the server's frame size.
            guard message.size <= maxSize else {
                await socket.close(.messageTooLarge)
                continue
            }
            switch AuthMessage(message) {
            case .auth(let token):
                let now = verifier.clock.now()
                let windowStart = now.addingTimeInterval(-authMessageWindow.timeInterval)
                recentAuthMessages.removeAll { $0 <= windowStart }
                guard recentAuthMessages.count < maxAuthMessages else {
                    logger.debug("WebSocket auth messages over the limit")
                    await socket.close(.policyViolation)
                    continue
                }
                recentAuthMessages.append(now)
                do throws(VerificationError) {
                    let verified = try await verifier.verify(token, as: kind, checkingRevocation: checkingRevocation)
                    let acceptedUntil = verifier.acceptedUntil(verified)
                    if socket.replace(with: verified, acceptedUntil: acceptedUntil) {
                        eventSink.yield(.identity(acceptedUntil: acceptedUntil))
                    } else {
                        logger.debug("WebSocket token of another user refused")
                        await socket.close(.policyViolation)
                    }
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

    /// The close code for a refused token.
    static func closeReason(for error: VerificationError) -> WebSocketAuthenticationClose {
        if error.isUnavailable { return .tryAgainLater }
        switch error {
        case .wrongAudience, .wrongIssuer: return .forbidden
        default: return .unauthorized
        }
    }
}

extension WebSocketMessage {
    /// The message's length in bytes.
    fileprivate var size: Int {
        switch self {
        case .text(let text): text.utf8.count
        case .binary(let data): data.readableBytes
        }
    }
}
