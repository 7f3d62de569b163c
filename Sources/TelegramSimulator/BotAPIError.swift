import Hummingbird
import NIOCore
import StrictJSON

/// A Bot API refusal, in Telegram's shape: `{"ok":false,"error_code":N,"description":"…"}`, with
/// `"parameters":{"retry_after":N}` and a `Retry-After` header for `429`.
public struct BotAPIError: Error, Sendable, Equatable {
    /// The `error_code`, also the HTTP status.
    public let code: Int
    /// The `description`, exactly as Telegram words it.
    public let description: String
    /// Seconds to wait, for `429`.
    public let retryAfter: Int?

    init(code: Int, description: String, retryAfter: Int? = nil) {
        self.code = code
        self.description = description
        self.retryAfter = retryAfter
    }

    /// `400 Bad Request: …`. Like Telegram's server, a detail starting with a word (`Can't parse…`) has its first
    /// letter lowered; one in capitals (`BUTTON_DATA_INVALID`) is kept.
    static func badRequest(_ detail: String) -> Self {
        .init(code: 400, description: "Bad Request: " + Self.sentence(detail))
    }

    /// `401 Unauthorized`: the token is not a bot's.
    static let unauthorized = Self(code: 401, description: "Unauthorized")

    /// `403 Forbidden: …`.
    static func forbidden(_ detail: String) -> Self { .init(code: 403, description: "Forbidden: " + detail) }

    /// `404 Not Found`: not a `/bot<token>/<method>` path, or a method the Bot API does not have.
    static let notFound = Self(code: 404, description: "Not Found")

    /// `429 Too Many Requests: retry after N`.
    static func tooManyRequests(retryAfter: Int) -> Self {
        .init(code: 429, description: "Too Many Requests: retry after \(retryAfter)", retryAfter: retryAfter)
    }

    /// `detail` as Telegram's server appends it after the status words.
    private static func sentence(_ detail: String) -> String {
        let characters = Array(detail)
        guard characters.count >= 2, characters[1] != "_", !characters[1].isUppercase else { return detail }
        return characters[0].lowercased() + String(characters.dropFirst())
    }

    /// The error document.
    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("ok", .bool(false)), ("error_code", .integer(code)), ("description", .string(description)),
        ]
        if let retryAfter { members.append(("parameters", .object([("retry_after", .integer(retryAfter))]))) }
        return .object(members)
    }

    /// The HTTP response.
    var response: Response {
        var response = TelegramSimulator.json(json, status: HTTPResponse.Status(code: code))
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}
