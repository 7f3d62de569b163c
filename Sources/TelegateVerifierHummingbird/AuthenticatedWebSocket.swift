import Foundation
import HummingbirdWebSocket
import NIOWebSocket
import Synchronization
import TelegateVerifier

/// A WebSocket connection whose first message authenticated it: its current identity, the app's messages (the
/// `auth` messages are taken out), and the writer to answer on.
public final class AuthenticatedWebSocket: Sendable {
    /// The app's messages, in order; ends when the connection closes.
    public let messages: AsyncStream<WebSocketMessage>
    /// Where the app writes its messages.
    public let outbound: WebSocketOutboundWriter
    let state: Mutex<State>

    struct State {
        /// `nil` until the first `auth` message is accepted; the app is handed the connection only after that.
        var token: VerifiedToken?
        /// Until when the verifier accepts `token` (its `exp` plus the verifier's leeway).
        var acceptedUntil: Date?
        var closed: Bool
    }

    init(messages: AsyncStream<WebSocketMessage>, outbound: WebSocketOutboundWriter) {
        state = Mutex(State(token: nil, acceptedUntil: nil, closed: false))
        self.messages = messages
        self.outbound = outbound
    }

    /// The connection's current identity: the token of the latest accepted `auth` message. It changes in place
    /// when the client sends a new token; read it for each message rather than keeping it.
    public var token: VerifiedToken {
        guard let token = state.withLock({ $0.token }) else {
            preconditionFailure("the authenticator hands the connection out only once a token was accepted")
        }
        return token
    }

    /// Whether a token was accepted.
    var isAuthenticated: Bool { state.withLock { $0.token != nil } }

    /// Replaces the identity with `token`, which the verifier accepts until `acceptedUntil`, when it is the first or
    /// names the same user (`sub`) as the current one; returns `false`, leaving the identity as it is, for another user.
    func replace(with token: VerifiedToken, acceptedUntil: Date) -> Bool {
        state.withLock { state in
            if let current = state.token, current.subject != token.subject { return false }
            state.token = token
            state.acceptedUntil = acceptedUntil
            return true
        }
    }

    /// Until when the verifier accepts the current identity's token; `nil` once the connection is closed.
    var currentExpiry: Date? {
        state.withLock { $0.closed ? nil : $0.acceptedUntil }
    }

    /// Marks the connection closed; `true` for the first caller only.
    @discardableResult
    func markClosed() -> Bool {
        state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
    }

    /// Whether the connection was closed by the authenticator or the app.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Closes the connection for `reason`.
    func close(_ reason: WebSocketAuthenticationClose) async {
        await close(reason.code, reason: reason.reason)
    }

    /// Closes the connection with `code` (a normal closure by default); later calls do nothing.
    public func close(_ code: WebSocketErrorCode = .normalClosure, reason: String? = nil) async {
        guard markClosed() else { return }
        try? await outbound.close(code, reason: reason)
    }
}
