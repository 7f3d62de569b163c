import Foundation
import StrictJSON
import TelegateApp

/// A configuration file built from typed values instead of YAML written by hand: the server, the database, the
/// master key and the apps with their bots, adapters and OAuth clients. ``configuration()`` reads it through the same parser as
/// `telegate serve`, so what a test configures is what an operator could write.
public struct TestConfiguration: Sendable {
    /// `server.host` and `server.port` (only a live server listens on them).
    public var host = "127.0.0.1"
    public var port = 8080
    /// `server.publicURL`: the issuer URLs' base.
    public var publicURL: String
    /// `server.rateLimit.perClient` (0: no limit).
    public var requestsPerClient = 0
    /// `database.url`.
    public var databaseURL: String
    /// `masterKey`, a secret reference.
    public var masterKey = "env:TELEGATE_MASTER_KEY"
    /// `apps`, in order.
    public var apps: [App]

    /// A configuration for a live server on `port` of 127.0.0.1, or, with no port, for one in process (whose
    /// public URL is `http://telegate.test`); its SQLite database lives in `directory`.
    public init(port: Int? = nil, directory: String, apps: [App] = []) {
        if let port { self.port = port }
        publicURL = port.map { "http://127.0.0.1:\($0)" } ?? "http://telegate.test"
        databaseURL = "sqlite://\(directory)/telegate.sqlite"
        self.apps = apps
    }

    /// One entry of `apps`.
    public struct App: Sendable {
        public var id: String
        public var corsOrigins: [String]
        public var bots: [Bot]
        public var adapters: [Adapter]
        public var clients: [Client]

        /// An app.
        public init(_ id: String, corsOrigins: [String] = [], bots: [Bot], adapters: [Adapter], clients: [Client] = []) {
            self.id = id
            self.corsOrigins = corsOrigins
            self.bots = bots
            self.adapters = adapters
            self.clients = clients
        }

        var json: JSONValue {
            var members: [(key: String, value: JSONValue)] = [("id", .string(id))]
            if !corsOrigins.isEmpty { members.append(("corsOrigins", .array(corsOrigins.map(JSONValue.string)))) }
            members.append(("bots", .array(bots.map(\.json))))
            members.append(("adapters", .array(adapters.map(\.json))))
            if !clients.isEmpty { members.append(("clients", .array(clients.map(\.json)))) }
            return .object(members)
        }
    }

    /// One entry of an app's `clients`: an OAuth client of its OpenID Provider.
    public struct Client: Sendable {
        public var id: String
        /// The secret reference (`env:DJANGO_CLIENT_SECRET`); `nil` for a public client.
        public var secret: String?
        public var redirectURIs: [String]
        public var postLogoutRedirectURIs: [String]
        /// `nil` leaves the default (every supported scope).
        public var scopes: [String]?
        /// `skip` or `required`; `nil` leaves the default (`skip`).
        public var consent: String?
        /// `client_secret_basic`, `client_secret_post` or `none`; `nil` leaves the default.
        public var tokenEndpointAuthMethod: String?

        /// A client; with no `secret` it is public.
        public init(
            _ id: String, secret: String? = nil, redirectURIs: [String], postLogoutRedirectURIs: [String] = [],
            scopes: [String]? = nil, consent: String? = nil, tokenEndpointAuthMethod: String? = nil
        ) {
            self.id = id
            self.secret = secret
            self.redirectURIs = redirectURIs
            self.postLogoutRedirectURIs = postLogoutRedirectURIs
            self.scopes = scopes
            self.consent = consent
            self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        }

        var json: JSONValue {
            var members: [(key: String, value: JSONValue)] = [("id", .string(id))]
            if let secret { members.append(("secret", .string(secret))) }
            members.append(("redirectURIs", .array(redirectURIs.map(JSONValue.string))))
            if !postLogoutRedirectURIs.isEmpty {
                members.append(("postLogoutRedirectURIs", .array(postLogoutRedirectURIs.map(JSONValue.string))))
            }
            if let scopes { members.append(("scopes", .array(scopes.map(JSONValue.string)))) }
            if let consent { members.append(("consent", .string(consent))) }
            if let tokenEndpointAuthMethod { members.append(("tokenEndpointAuthMethod", .string(tokenEndpointAuthMethod))) }
            return .object(members)
        }
    }

    /// One entry of an app's `bots`: an HMAC bot with a token reference, or a third-party bot with only an id.
    public struct Bot: Sendable {
        public var token: String?
        public var id: Int64?
        public var label: String?
        public var environment: String?
        public var isDefault: Bool

        /// A bot whose token is the secret reference `token` (`env:POLL_BOT_TOKEN`).
        public init(token: String, label: String? = nil, isDefault: Bool = false) {
            self.token = token
            self.label = label
            self.isDefault = isDefault
        }

        /// A third-party bot known by its id.
        public init(id: Int64, environment: String? = nil, isDefault: Bool = false) {
            self.id = id
            self.environment = environment
            self.isDefault = isDefault
        }

        var json: JSONValue {
            var members: [(key: String, value: JSONValue)] = []
            if let token { members.append(("token", .string(token))) }
            if let id { members.append(("id", .integer(id))) }
            if let label { members.append(("label", .string(label))) }
            if let environment { members.append(("environment", .string(environment))) }
            if isDefault { members.append(("default", .bool(true))) }
            return .object(members)
        }
    }

    /// One entry of an app's `adapters`: its name, kind and the kind's own `config` members.
    public struct Adapter: Sendable {
        public var name: String
        public var kind: String
        public var isDefault: Bool
        public var config: [(key: String, value: JSONValue)]

        /// An adapter.
        public init(_ name: String, kind: String, isDefault: Bool = false, config: [(key: String, value: JSONValue)]) {
            self.name = name
            self.kind = kind
            self.isDefault = isDefault
            self.config = config
        }

        var json: JSONValue {
            var members: [(key: String, value: JSONValue)] = [("name", .string(name)), ("kind", .string(kind))]
            if isDefault { members.append(("default", .bool(true))) }
            members.append(("config", .object(config)))
            return .object(members)
        }
    }

    /// The configuration file (JSON is YAML too).
    public var text: String {
        JSONValue.object([
            (
                "server",
                .object([
                    ("host", .string(host)), ("port", .integer(Int64(port))), ("publicURL", .string(publicURL)),
                    ("rateLimit", .object([("perClient", .integer(Int64(requestsPerClient)))])),
                ])
            ),
            ("database", .object([("url", .string(databaseURL))])),
            ("masterKey", .string(masterKey)),
            ("apps", .array(apps.map(\.json))),
        ]).serialized
    }

    /// The configuration `telegate serve` would read from ``text``.
    public func configuration() throws -> TelegateConfiguration {
        try ConfigurationFile.parse(text)
    }
}
