import Hummingbird
import SimulatorKit
import StrictJSON

/// An error answer of Google's OAuth token endpoint, in OAuth's own shape rather than Google's API envelope:
/// `{"error": "invalid_grant", "error_description": "Invalid JWT Signature."}`.
struct FirebaseOAuthError: Error, Sendable {
    let error: String
    let description: String
    var status = 400

    static func invalidGrant(_ description: String) -> Self { Self(error: "invalid_grant", description: description) }

    var response: Response {
        SimulatorControl.json(
            JSONValue.object([("error", .string(error)), ("error_description", .string(description))]).serialized,
            status: .init(code: status))
    }
}
