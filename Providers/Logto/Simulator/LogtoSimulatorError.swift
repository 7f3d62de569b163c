import Hummingbird
import StrictJSON

/// A refusal in Logto's own shapes: the Management API's `{code, message, data}` (plus `details` for input
/// errors), and `/oidc`'s OAuth error with Logto's `code` and `message` added.
struct LogtoSimulatorError: Error {
    let status: HTTPResponse.Status
    let body: JSONValue

    /// A Management API error (`user.username_already_in_use`).
    static func api(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: String? = nil) -> Self {
        var members: [(key: String, value: JSONValue)] = [("message", .string(message)), ("code", .string(code)), ("data", .null)]
        if let details { members.append(("details", .string(details))) }
        return Self(status: status, body: .object(members))
    }

    /// A request body or query the route's guard refuses.
    static func invalidInput(_ details: String) -> Self {
        api(.badRequest, "guard.invalid_input", "The request input is invalid.", details: details)
    }

    /// The Management API call lacks a valid token.
    static let unauthorized = api(.unauthorized, "auth.unauthorized", "Unauthorized. Please check credentials and its scope.")

    /// No such entity.
    static func notFound(_ entity: String, _ id: String) -> Self {
        api(.notFound, "entity.not_exists_with_id", "The \(entity) with ID `\(id.prefix(64))` does not exist.")
    }

    /// An `/oidc/token` error.
    static func oauth(_ status: HTTPResponse.Status, _ error: String, _ description: String) -> Self {
        Self(
            status: status,
            body: .object([
                ("error", .string(error)), ("error_description", .string(description)), ("code", .string("oidc.\(error)")),
                ("message", .string(description)),
            ]))
    }

    var response: Response { LogtoSimulator.json(body, status: status) }
}
