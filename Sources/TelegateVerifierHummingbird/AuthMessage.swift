import Foundation
import HummingbirdWebSocket
import TelegateVerifier

/// What a WebSocket message is to the authenticator: `{"type": "auth", "token": "…"}`, an `auth` message without a
/// usable token, or anything else (the app's own message).
enum AuthMessage: Equatable {
    case auth(token: String)
    case invalidAuth
    case other

    init(_ message: WebSocketMessage) {
        guard case .text(let text) = message, text.utf8.first == UInt8(ascii: "{"),
            case .object(let members) = try? JSONDecoder().decode(ClaimValue.self, from: Data(text.utf8)),
            members["type"] == .string("auth")
        else {
            self = .other
            return
        }
        guard let token = members["token"]?.stringValue, !token.isEmpty else {
            self = .invalidAuth
            return
        }
        self = .auth(token: token)
    }
}
