import ConfigurationDocument
import Foundation
import StrictJSON
import TelegateCore
import TelegatePostgres
import TelegateServer
import TelegramAuth

/// Parses `telegate.yaml`. Unknown keys are errors (a typo never silently becomes a default), and secrets must be
/// `env:` or `file:` references.
public enum ConfigurationFile {
    /// Reads and parses the file at `path`.
    public static func load(path: String) throws -> TelegateConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read the configuration file \(path)")
        }
        return try parse(String(decoding: data, as: UTF8.self))
    }

    /// Parses configuration text.
    public static func parse(_ text: String) throws -> TelegateConfiguration {
        let root = try Object(YAMLDocument.parse(text), at: "the configuration", allowed: ["server", "database", "masterKey", "apps"])
        var configuration = TelegateConfiguration()
        if let server = try root.object("server", allowed: ["host", "port", "publicURL", "rateLimit", "trustedProxies", "upstreamConnectionsPerHost", "clockLeeway", "connections", "telegramOIDC", "webhooks", "events", "console"]) {
            let host = try server.string("host") ?? "127.0.0.1"
            let port = try server.integer("port").map(Int.init) ?? 8080
            guard (1...65535).contains(port) else { throw ConfigurationError("server.port must be between 1 and 65535") }
            var publicURL = try server.string("publicURL")
            if let url = publicURL {
                guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                    throw ConfigurationError("server.publicURL must be an absolute http(s) URL")
                }
                publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            }
            var rateLimit: (perClient: Double, burst: Double) = (20, 40)
            if let limit = try server.object("rateLimit", allowed: ["perClient", "burst"]) {
                let perClient = try limit.integer("perClient") ?? 20
                let burst = try limit.integer("burst") ?? perClient * 2
                guard perClient >= 0, burst >= 0 else { throw ConfigurationError("server.rateLimit values must not be negative") }
                rateLimit = (Double(perClient), Double(burst))
            }
            let proxies = try (server.array("trustedProxies") ?? []).map { value in
                guard let address = value.stringValue else { throw ConfigurationError("server.trustedProxies lists IP addresses") }
                return address
            }
            configuration.server = .init(host: host, port: port, publicURL: publicURL)
            configuration.server.rateLimit = rateLimit
            configuration.server.trustedProxies = proxies
            if let connections = try server.integer("upstreamConnectionsPerHost") {
                guard (1...4096).contains(connections) else {
                    throw ConfigurationError("server.upstreamConnectionsPerHost must be between 1 and 4096")
                }
                configuration.server.upstreamConnectionsPerHost = Int(connections)
            }
            if let leeway = try server.integer("clockLeeway") {
                guard TimePolicy.allowedLeeway.contains(leeway) else {
                    throw ConfigurationError(
                        "server.clockLeeway must be between \(TimePolicy.allowedLeeway.lowerBound) and \(TimePolicy.allowedLeeway.upperBound) seconds")
                }
                configuration.server.clockLeeway = leeway
            }
            if let webhooks = try server.object("webhooks", allowed: ["pollInterval", "dispatch"]) {
                if let interval = try webhooks.integer("pollInterval") {
                    guard (1...60).contains(interval) else {
                        throw ConfigurationError("server.webhooks.pollInterval must be between 1 and 60 seconds")
                    }
                    configuration.server.webhooks.pollInterval = .seconds(interval)
                }
                if let dispatch = try webhooks.bool("dispatch") { configuration.server.webhooks.dispatch = dispatch }
            }
            if let events = try server.object("events", allowed: ["retention"]), let retention = try events.integer("retention") {
                guard EventSettings.allowedRetention.contains(retention) else {
                    throw ConfigurationError(
                        "server.events.retention must be between \(EventSettings.allowedRetention.lowerBound) and \(EventSettings.allowedRetention.upperBound) seconds")
                }
                configuration.server.events.retention = retention
            }
            if let console = try server.object("console", allowed: ["telegramLogin"]) {
                configuration.server.consoleTelegramLogin = try ConsoleLoginConfiguration.telegramLogin(console)
            }
            if let connections = try server.object("connections", allowed: ConnectionSettings.keys) {
                configuration.server.connections = try ConnectionSettings.limits(connections)
            }
            if let oidc = try server.object("telegramOIDC", allowed: ["issuer", "discoveryURL", "allowInsecureLoopback"]) {
                let settings = TelegramOIDCSettings(
                    issuer: try oidc.string("issuer") ?? TelegramOIDCSettings.telegram.issuer,
                    discoveryURL: try oidc.string("discoveryURL"), allowInsecureLoopback: try oidc.bool("allowInsecureLoopback") ?? false)
                if let problem = settings.problem() { throw ConfigurationError("server.telegramOIDC: \(problem)") }
                configuration.server.telegramOIDC = settings
            }
        }
        if let database = try root.object("database", allowed: ["url", "poolSize", "statementTimeout", "tls"]) {
            configuration.databaseURL = try database.string("url") ?? configuration.databaseURL
            if let size = try database.integer("poolSize") {
                guard (1...500).contains(size) else { throw ConfigurationError("database.poolSize must be 1...500") }
                configuration.databaseOptions.poolSize = Int(size)
            }
            if let seconds = try database.integer("statementTimeout") {
                guard (1...600).contains(seconds) else {
                    throw ConfigurationError("database.statementTimeout must be 1...600 seconds")
                }
                configuration.databaseOptions.statementTimeout = Int(seconds)
            }
            if let mode = try database.string("tls") {
                guard let tls = PostgresSettings.TLSMode(rawValue: mode) else {
                    throw ConfigurationError("database.tls must be disable, prefer or require")
                }
                configuration.databaseOptions.tls = tls
            }
        }
        configuration.masterKey = try root.string("masterKey").map(reference)
        configuration.apps = try (root.array("apps") ?? []).enumerated().map { index, value in try app(value, index: index) }
        let ids = configuration.apps.map(\.settings.id)
        if Set(ids).count != ids.count { throw ConfigurationError("two apps have the same id") }
        return configuration
    }

    /// `apps[index]`: decoded and validated by its spec, refusals named by their place in the file.
    private static func app(_ value: JSONValue, index: Int) throws -> AppSpec {
        let path = "apps[\(index)]"
        do {
            let app = try SpecFormat.file.decoder.decode(AppSpec.self, from: value, at: [ListIndex(path)])
            try app.validate()
            return app
        } catch let error as JSONDecodingError {
            throw ConfigurationError(message(error))
        } catch let error as TelegateError where error.code.rawValue == "literal_secret" {
            throw ConfigurationError(literalSecret)
        } catch let error as TelegateError {
            throw ConfigurationError("\(path): \(error.message)")
        }
    }

    /// A decoding refusal as the file names it: `unknown key "x" in apps[0]; expected one of: …`.
    private static func message(_ error: JSONDecodingError) -> String {
        switch error.problem {
        case .unknownMember(let key, let allowed):
            "unknown key \"\(key.prefix(40))\" in \(error.dottedPath); expected one of: \(allowed.sorted().joined(separator: ", "))"
        case .wrongType(let expected):
            "\(error.dottedPath) must be \(["object": "a mapping", "list": "a list"][expected] ?? JSONDecodingError.article(expected))"
        default: error.description
        }
    }

    /// The file's name for an app's place, as the first step of a decoding path.
    private struct ListIndex: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static let literalSecret = "secrets must be references (env:NAME or file:PATH); a literal secret is refused"

    private static func reference(_ text: String) throws -> SecretReference {
        do {
            return try SecretReference(text)
        } catch {
            throw ConfigurationError(literalSecret)
        }
    }

    /// A mapping with a path for messages and a fixed set of allowed keys.
    struct Object {
        let members: [(key: String, value: JSONValue)]
        let path: String

        init(_ value: JSONValue, at path: String, allowed: Set<String>) throws {
            guard let members = value.objectMembers else { throw ConfigurationError("\(path) must be a mapping") }
            if let unknown = members.first(where: { !allowed.contains($0.key) }) {
                throw ConfigurationError(
                    "unknown key \"\(unknown.key)\" in \(path); expected one of: \(allowed.sorted().joined(separator: ", "))")
            }
            self.members = members
            self.path = path
        }

        func value(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }

        func string(_ key: String) throws -> String? {
            guard let value = value(key), value != .null else { return nil }
            if let text = value.stringValue { return text }
            if let number = value.integerValue { return String(number) }
            throw ConfigurationError("\(path).\(key) must be a string")
        }

        func integer(_ key: String) throws -> Int64? {
            guard let value = value(key), value != .null else { return nil }
            guard let number = value.integerValue else { throw ConfigurationError("\(path).\(key) must be an integer") }
            return number
        }

        func bool(_ key: String) throws -> Bool? {
            guard let value = value(key), value != .null else { return nil }
            guard let flag = value.boolValue else { throw ConfigurationError("\(path).\(key) must be true or false") }
            return flag
        }

        func array(_ key: String) throws -> [JSONValue]? {
            guard let value = value(key), value != .null else { return nil }
            guard let list = value.arrayElements else { throw ConfigurationError("\(path).\(key) must be a list") }
            return list
        }

        func object(_ key: String, allowed: Set<String>) throws -> Object? {
            guard let value = value(key), value != .null else { return nil }
            return try Object(value, at: "\(path).\(key)", allowed: allowed)
        }
    }
}
