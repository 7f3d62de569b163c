import Hummingbird
import SimulatorKit
import StrictJSON

/// An error answer of Supabase Auth's OAuth-style grants (`/token?grant_type=id_token`): always `400` with
/// `{"error": "…", "error_description": "…"}`, in Supabase's own words (its `"invalid request"` has a space).
struct SupabaseOAuthError: Error, Sendable {
    let error: String
    let description: String

    init(_ error: String, _ description: String) {
        self.error = error
        self.description = description
    }

    var response: Response {
        let body = JSONValue.object([("error", .string(error)), ("error_description", .string(description))])
        return SimulatorControl.json(body.serialized, status: .badRequest)
    }

    static func invalidRequest(_ description: String) -> SupabaseOAuthError { SupabaseOAuthError("invalid request", description) }

    static let badIDToken = invalidRequest("Bad ID token")
    static let nonceMismatch = SupabaseOAuthError("invalid nonce", "Nonces mismatch")
    static let nonceOneSided = invalidRequest("Passed nonce and nonce in id_token should either both exist or not.")
}
