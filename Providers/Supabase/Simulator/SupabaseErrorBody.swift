import Hummingbird
import SimulatorKit
import StrictJSON

/// An error answer in Supabase Auth's shape: `{"code": <HTTP status>, "error_code": "<code>", "msg": "…"}`.
struct SupabaseErrorBody: Error, Sendable {
    let status: HTTPResponse.Status
    let errorCode: String
    let message: String

    init(_ status: HTTPResponse.Status, _ errorCode: String, _ message: String) {
        self.status = status
        self.errorCode = errorCode
        self.message = message
    }

    var response: Response {
        let body = JSONValue.object([
            ("code", .integer(Int64(status.code))), ("error_code", .string(errorCode)), ("msg", .string(message)),
        ])
        return SimulatorControl.json(body.serialized, status: status)
    }

    static func validation(_ message: String) -> SupabaseErrorBody { SupabaseErrorBody(.badRequest, "validation_failed", message) }

    static let badJSON = SupabaseErrorBody(.badRequest, "bad_json", "Could not parse request body as JSON")
    static let noAuthorization = SupabaseErrorBody(.unauthorized, "no_authorization", "This endpoint requires a valid Bearer token")
    static let notAdmin = SupabaseErrorBody(.forbidden, "not_admin", "User not allowed")
    static let userNotFound = SupabaseErrorBody(.notFound, "user_not_found", "User not found")
    static let emailExists = SupabaseErrorBody(
        .unprocessableContent, "email_exists", "A user with this email address has already been registered")
    static let phoneExists = SupabaseErrorBody(
        .unprocessableContent, "phone_exists", "A user with this phone number has already been registered")
    static let userExists = SupabaseErrorBody(.unprocessableContent, "user_already_exists", "User already registered")
    static let otpExpired = SupabaseErrorBody(.forbidden, "otp_expired", "Email link is invalid or has expired")
    static let refreshTokenNotFound = SupabaseErrorBody(
        .badRequest, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
    static let refreshTokenUsed = SupabaseErrorBody(
        .badRequest, "refresh_token_already_used", "Invalid Refresh Token: Already Used")
    static let badJWT = SupabaseErrorBody(.forbidden, "bad_jwt", "invalid JWT: unable to parse or verify signature")
    static let overRequestRateLimit = SupabaseErrorBody(.tooManyRequests, "over_request_rate_limit", "Request rate limit reached")
}
