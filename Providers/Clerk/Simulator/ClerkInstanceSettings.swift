/// How the simulated Clerk instance is set up, as an admin would in the Clerk dashboard.
public struct ClerkInstanceSettings: Sendable {
    /// A user identifier an instance can enable.
    public enum Identifier: String, Sendable, CaseIterable {
        case emailAddress = "email_address"
        case phoneNumber = "phone_number"
        case username
    }

    /// Whether an identifier is on, and whether every user must have one.
    public enum Requirement: Sendable, Equatable {
        case off, optional, required
    }

    /// The Backend API secret key (`Authorization: Bearer …`).
    public var secretKey: String
    /// The instance's identifiers; by default a username is required and email is optional.
    public var identifiers: [Identifier: Requirement]
    /// Whether users sign in with passwords (creation then needs a password or `skip_password_requirement`).
    public var passwordEnabled: Bool
    /// Backend API requests allowed per window (Clerk: 1000 per 10 s for production instances).
    public var rateLimit: Int
    /// The rate-limit window.
    public var rateWindow: Duration

    /// The secret key `telegate simulate clerk` accepts.
    public static let defaultSecretKey = "sk_test_telegate_simulator"

    /// Creates settings; the defaults match a production instance with username sign-in.
    public init(
        secretKey: String = ClerkInstanceSettings.defaultSecretKey,
        identifiers: [Identifier: Requirement] = [.username: .required, .emailAddress: .optional, .phoneNumber: .off],
        passwordEnabled: Bool = true, rateLimit: Int = 1000, rateWindow: Duration = .seconds(10)
    ) {
        self.secretKey = secretKey
        self.identifiers = identifiers
        self.passwordEnabled = passwordEnabled
        self.rateLimit = rateLimit
        self.rateWindow = rateWindow
    }
}
