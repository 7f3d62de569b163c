import NIOWebSocket

/// Why ``TelegateWebSocketAuthenticator`` closed a connection: the close frame's code. The 44xx codes mirror HTTP
/// statuses (4000–4999 are the application's range, RFC 6455 §7.4.2).
public enum WebSocketAuthenticationClose: UInt16, Sendable, CaseIterable {
    /// 4401: the first message was not an `auth` message, or its token was refused (forged, malformed, unknown key,
    /// wrong `typ`, expired beyond the leeway, revoked); a later `auth` message's token was refused; or the
    /// identity's token reached its `exp` plus the verifier's leeway.
    case unauthorized = 4401
    /// 4403: a genuine token of this issuer, but for another audience (another adapter or resource); and a token of
    /// another issuer (another app or server), recognised by its `iss` before any key lookup.
    case forbidden = 4403
    /// 4408: no message arrived within the authentication deadline.
    case authenticationTimeout = 4408
    /// 1013 (try again later): the issuer's keys or introspection endpoint could not be reached to decide.
    case tryAgainLater = 1013
    /// 1008 (policy violation): a later `auth` message's token was accepted by the verifier but names another user
    /// (`sub`) than the connection's (a connection stays one user's for its whole life); or `auth` messages came
    /// faster than the authenticator's limit (each costs a verification, and an introspection with
    /// `checkingRevocation`).
    case policyViolation = 1008
    /// 1009 (message too big): a message before the connection is authenticated was longer than the authenticator's
    /// `maxFirstMessageSize`, or a later one longer than its `maxMessageSize`; it is not parsed.
    case messageTooLarge = 1009

    /// The close frame's code.
    public var code: WebSocketErrorCode { .init(codeNumber: Int(rawValue)) }

    /// The close reason sent with the code.
    var reason: String {
        switch self {
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .authenticationTimeout: "authentication timeout"
        case .tryAgainLater: "try again later"
        case .policyViolation: "policy violation"
        case .messageTooLarge: "message too big"
        }
    }
}
