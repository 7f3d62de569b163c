import Hummingbird
import SimulatorKit
import StrictJSON

/// An error answer in Google's API envelope. Identity Toolkit answers
/// `{"error": {"code": 400, "message": "INVALID_CUSTOM_TOKEN", "errors": [{"message", "domain": "global", "reason": "invalid"}]}}`;
/// the secure-token API answers `{"error": {"code": 400, "message": "INVALID_REFRESH_TOKEN", "status": "INVALID_ARGUMENT"}}`;
/// API-key failures carry both `errors` and `status`.
struct FirebaseErrorBody: Error, Sendable {
    let code: Int
    let message: String
    let reason: String?
    let status: String?

    /// Identity Toolkit's `400` with `message` (`INVALID_CUSTOM_TOKEN`, `CREDENTIAL_MISMATCH`, …).
    static func identityToolkit(_ message: String) -> Self {
        Self(code: 400, message: message, reason: "invalid", status: nil)
    }

    /// The secure-token API's `400` with `message` (`INVALID_REFRESH_TOKEN`, `TOKEN_EXPIRED`, …).
    static func secureToken(_ message: String) -> Self {
        Self(code: 400, message: message, reason: nil, status: "INVALID_ARGUMENT")
    }

    /// A request whose `key` is not the project's Web API key.
    static let invalidAPIKey = Self(
        code: 400, message: "API key not valid. Please pass a valid API key.", reason: "badRequest", status: "INVALID_ARGUMENT")

    /// A request with no `key` at all.
    static let missingAPIKey = Self(
        code: 403,
        message:
            "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        reason: "forbidden", status: "PERMISSION_DENIED")

    /// An admin call without a valid OAuth access token.
    static let unauthenticated = Self(
        code: 401,
        message:
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        reason: "unauthorized", status: "UNAUTHENTICATED")

    /// An admin call whose token may not act on the project (another project's account, or too narrow a scope).
    static func permissionDenied(_ message: String) -> Self {
        Self(code: 403, message: message, reason: "forbidden", status: "PERMISSION_DENIED")
    }

    var response: Response {
        var members: [(key: String, value: JSONValue)] = [("code", .integer(Int64(code))), ("message", .string(message))]
        if let reason {
            members.append(
                ("errors", .array([.object([("message", .string(message)), ("domain", .string("global")), ("reason", .string(reason))])])))
        }
        if let status { members.append(("status", .string(status))) }
        return SimulatorControl.json(JSONValue.object([("error", .object(members))]).serialized, status: .init(code: code))
    }
}
