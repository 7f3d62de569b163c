/// How the simulated Supabase project is set up, as an admin would in the Supabase dashboard.
public struct SupabaseProjectSettings: Sendable {
    /// The secret key (`sb_secret_…`, or a legacy `service_role` JWT) the admin API requires, in `apikey` and as
    /// `Authorization: Bearer`.
    public var serviceRoleKey: String
    /// The publishable key (`sb_publishable_…`, or the legacy `anon` JWT) a front end sends in `apikey`.
    public var anonKey: String
    /// The project's JWT secret: access tokens are HS256 JWTs signed with it.
    public var jwtSecret: String
    /// Seconds an access token is valid (Supabase's default `jwt_expiry`).
    public var jwtExpiry: Int64
    /// Seconds a one-time email token stays valid (the mailer's OTP expiry).
    public var otpExpiry: Int64
    /// Requests one client IP may make per window; over it, `429 over_request_rate_limit`.
    public var rateLimit: Int
    /// The rate-limit window.
    public var rateWindow: Duration

    /// The secret key `telegate simulate supabase` accepts.
    public static let defaultServiceRoleKey = "sb_secret_telegate_simulator"
    /// The publishable key `telegate simulate supabase` accepts.
    public static let defaultAnonKey = "sb_publishable_telegate_simulator"

    /// Creates settings; the defaults match a new hosted project.
    public init(
        serviceRoleKey: String = SupabaseProjectSettings.defaultServiceRoleKey,
        anonKey: String = SupabaseProjectSettings.defaultAnonKey,
        jwtSecret: String = "super-secret-jwt-token-with-at-least-32-characters-long",
        jwtExpiry: Int64 = 3600, otpExpiry: Int64 = 3600, rateLimit: Int = 1800, rateWindow: Duration = .seconds(60)
    ) {
        self.serviceRoleKey = serviceRoleKey
        self.anonKey = anonKey
        self.jwtSecret = jwtSecret
        self.jwtExpiry = jwtExpiry
        self.otpExpiry = otpExpiry
        self.rateLimit = rateLimit
        self.rateWindow = rateWindow
    }
}
