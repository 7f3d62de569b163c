/// What a simulated Logto tenant holds before any call: its applications, API resources, roles and
/// organizations, and how it signs tokens.
public struct LogtoSimulatorConfiguration: Sendable {
    /// A Logto application.
    public struct Application: Sendable {
        /// Logto's application types that matter here.
        public enum Kind: String, Sendable {
            /// Machine-to-machine: `client_credentials`, and the Management API when given access.
            case machineToMachine
            /// A confidential web app (client secret).
            case traditional
            /// A public app (SPA or native): no secret, `client_id` in the body.
            case singlePage
        }

        /// The App ID (`client_id`).
        public var id: String
        /// The App secret; `nil` for a public app.
        public var secret: String?
        /// The application type.
        public var kind: Kind
        /// `customClientMetadata.allowTokenExchange`.
        public var allowTokenExchange: Bool
        /// Whether the app holds an M2M role with the Management API `all` permission.
        public var managementAccess: Bool

        /// Creates an application.
        public init(id: String, secret: String?, kind: Kind, allowTokenExchange: Bool = false, managementAccess: Bool = false) {
            self.id = id
            self.secret = secret
            self.kind = kind
            self.allowTokenExchange = allowTokenExchange
            self.managementAccess = managementAccess
        }
    }

    /// An API resource (its indicator is the access token's `aud`).
    public struct Resource: Sendable {
        /// The resource indicator.
        public var indicator: String
        /// The permissions it defines.
        public var scopes: [String]
        /// Lifetime of its access tokens, seconds.
        public var accessTokenTTL: Int64

        /// Creates a resource.
        public init(indicator: String, scopes: [String], accessTokenTTL: Int64 = 3600) {
            self.indicator = indicator
            self.scopes = scopes
            self.accessTokenTTL = accessTokenTTL
        }
    }

    /// A user role granting scopes of one resource; default roles are given to every new user.
    public struct Role: Sendable {
        /// The role's name.
        public var name: String
        /// The indicator of the resource whose scopes it grants.
        public var resource: String
        /// The scopes it grants.
        public var scopes: [String]
        /// Whether new users get it.
        public var isDefault: Bool

        /// Creates a role.
        public init(name: String, resource: String, scopes: [String], isDefault: Bool) {
            self.name = name
            self.resource = resource
            self.scopes = scopes
            self.isDefault = isDefault
        }
    }

    /// An organization; its members hold `memberScopes` (the organization role every member gets here).
    public struct Organization: Sendable {
        /// The organization id.
        public var id: String
        /// The organization scopes every member holds.
        public var memberScopes: [String]
        /// Whether users join it when they are created (Logto's just-in-time provisioning).
        public var joinsNewUsers: Bool

        /// Creates an organization.
        public init(id: String, memberScopes: [String], joinsNewUsers: Bool = false) {
            self.id = id
            self.memberScopes = memberScopes
            self.joinsNewUsers = joinsNewUsers
        }
    }

    /// How access tokens are signed: Logto's default EC P-384 key, or an RSA key.
    public enum SigningAlgorithm: String, Sendable {
        case es384 = "ES384"
        case rs256 = "RS256"
    }

    /// The Management API resource indicator.
    public var managementResource: String
    /// The tenant's applications.
    public var applications: [Application]
    /// Its API resources.
    public var resources: [Resource]
    /// Its user roles.
    public var roles: [Role]
    /// Its organizations.
    public var organizations: [Organization]
    /// How access tokens are signed.
    public var signingAlgorithm: SigningAlgorithm
    /// Lifetime of a subject token (Logto: 600 s).
    public var subjectTokenTTL: Int64
    /// Lifetime of a `client_credentials` token (Logto: 3600 s).
    public var m2mTokenTTL: Int64

    /// Creates a configuration.
    public init(
        managementResource: String = "https://default.logto.app/api", applications: [Application], resources: [Resource],
        roles: [Role], organizations: [Organization], signingAlgorithm: SigningAlgorithm = .es384,
        subjectTokenTTL: Int64 = 600, m2mTokenTTL: Int64 = 3600
    ) {
        self.managementResource = managementResource
        self.applications = applications
        self.resources = resources
        self.roles = roles
        self.organizations = organizations
        self.signingAlgorithm = signingAlgorithm
        self.subjectTokenTTL = subjectTokenTTL
        self.m2mTokenTTL = m2mTokenTTL
    }

    /// The tenant `telegate simulate logto` serves, documented in `Providers/Logto/README.md`.
    public static let development = LogtoSimulatorConfiguration(
        applications: [
            Application(id: "m2m-telegate", secret: "m2m-telegate-secret", kind: .machineToMachine, managementAccess: true),
            Application(id: "telegate-exchange", secret: "telegate-exchange-secret", kind: .traditional, allowTokenExchange: true),
            Application(id: "telegate-spa", secret: nil, kind: .singlePage, allowTokenExchange: true),
            Application(id: "no-exchange", secret: "no-exchange-secret", kind: .traditional),
        ],
        resources: [Resource(indicator: "https://api.example.com", scopes: ["read:polls", "write:polls", "admin:polls"])],
        roles: [Role(name: "member", resource: "https://api.example.com", scopes: ["read:polls", "write:polls"], isDefault: true)],
        organizations: [
            Organization(id: "org_acme_1", memberScopes: ["read:members"], joinsNewUsers: true),
            Organization(id: "org_acme_2", memberScopes: ["read:members"]),
            Organization(id: "org_other", memberScopes: ["read:members"]),
        ])
}
