import Hummingbird
import NIOCore
import StrictJSON

/// A refusal in Telegram Login's shapes: an error page at `/auth` when the bot or the redirect URI cannot be
/// trusted (it never redirects then), a redirect carrying `error` and `state` for other authorization errors, and
/// an OAuth error document at `/token` (RFC 6749 §5.2).
enum TelegramSimulatorError: Error {
    /// An error page; nothing is redirected.
    case page(String)
    /// A redirect to the client with `error` (and `state`).
    case redirect(to: String, error: String, state: String?)
    /// A token endpoint error.
    case token(HTTPResponse.Status, String, String, basicChallenge: Bool = false)

    /// `invalid_client`: unknown bot, or a wrong client secret (the bot token is not the client secret).
    static func invalidClient(basic: Bool) -> Self {
        .token(.unauthorized, "invalid_client", "client authentication failed", basicChallenge: basic)
    }

    /// `invalid_grant`: the code is unknown, used, expired, or not bound to this client, redirect URI or verifier.
    static func invalidGrant(_ description: String) -> Self { .token(.badRequest, "invalid_grant", description) }

    /// `invalid_request` at the token endpoint.
    static func invalidRequest(_ description: String) -> Self { .token(.badRequest, "invalid_request", description) }

    var response: Response {
        switch self {
        case .page(let message):
            let html = "<!doctype html><title>Telegram Login</title><h1>Login failed</h1><p>\(message)</p>"
            return Response(
                status: .badRequest, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: html)))
        case .redirect(let uri, let error, let state):
            var query = "error=" + TelegramSimulator.queryEncoded(error)
            if let state { query += "&state=" + TelegramSimulator.queryEncoded(state) }
            return Response(status: .found, headers: [.location: uri + (uri.contains("?") ? "&" : "?") + query])
        case .token(let status, let error, let description, let basicChallenge):
            var response = TelegramSimulator.json(
                .object([("error", .string(error)), ("error_description", .string(description))]), status: status)
            if basicChallenge { response.headers[.wwwAuthenticate] = #"Basic realm="oauth.telegram.org""# }
            return response
        }
    }
}
