import Foundation
import StrictJSON
import TelegateApp
import TelegateCore

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
        /// The OAuth clients of the app's OpenID Provider, written in the file's spelling.
        public var clients: [ClientSpec]

        /// An app.
        public init(
            _ id: String, corsOrigins: [String] = [], bots: [Bot], adapters: [Adapter], clients: [ClientSpec] = []
        ) {
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
            if !clients.isEmpty { members.append(("clients", .array(clients.map { SpecFormat.file.encode($0) }))) }
            return .object(members)
        }
    }

    /// One entry of an app's `bots`: an HMAC bot with a token reference, or a third-party bot with only an id.
    public struct Bot: Sendable {
        /// How the bot is known: an HMAC bot by its token, a third-party bot by its id.
        public enum Identity: Sendable {
            /// The secret reference of the token (`env:POLL_BOT_TOKEN`) and an optional label.
            case token(String, label: String?)
            /// The bot's id and an optional Telegram environment (`production`, `test`).
            case id(Int64, environment: String?)
        }

        public var identity: Identity
        public var isDefault: Bool

        /// A bot whose token is the secret reference `token` (`env:POLL_BOT_TOKEN`).
        public init(token: String, label: String? = nil, isDefault: Bool = false) {
            identity = .token(token, label: label)
            self.isDefault = isDefault
        }

        /// A third-party bot known by its id.
        public init(id: Int64, environment: String? = nil, isDefault: Bool = false) {
            identity = .id(id, environment: environment)
            self.isDefault = isDefault
        }

        var json: JSONValue {
            var members: [(key: String, value: JSONValue)]
            switch identity {
            case .token(let token, let label):
                members = [("token", .string(token))]
                if let label { members.append(("label", .string(label))) }
            case .id(let id, let environment):
                members = [("id", .integer(id))]
                if let environment { members.append(("environment", .string(environment))) }
            }
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
