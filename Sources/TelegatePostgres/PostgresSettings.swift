import Foundation

/// How to reach PostgreSQL: parsed from `postgres://user:password@host:port/database?sslmode=…&schema=…`, with the
/// pool size, statement timeout and TLS mode adjustable by configuration.
public struct PostgresSettings: Sendable, Equatable {
    /// Whether the connection is encrypted.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        /// Plain TCP (loopback, private networks).
        case disable
        /// TLS when the server offers it, plain otherwise; the certificate is not checked.
        case prefer
        /// TLS required, with the server certificate and host name verified against the system trust store.
        case require
    }

    public var host: String
    public var port: Int
    public var username: String
    /// Never logged.
    public var password: String?
    public var database: String
    /// The schema Telegate's tables live in (`search_path`); `nil` for the server default (`public`).
    public var schema: String?
    public var tls: TLSMode
    /// Connections per instance; the database must allow `instances × poolSize` plus headroom.
    public var poolSize: Int
    /// How long one statement may run on the server before it is cancelled. With ``connectTimeout`` it also bounds how
    /// long a request waits for a connection when the database is unreachable.
    public var statementTimeout: Duration
    /// How long opening a connection may take.
    public var connectTimeout: Duration

    /// Parses a `postgres://` or `postgresql://` URL. Query parameters: `sslmode` (`disable`, `prefer`, `require`;
    /// libpq's `verify-full` is accepted as `require`), `schema`, `pool_size`, `statement_timeout` (seconds).
    public init(url: String) throws {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"), let components = URLComponents(string: url),
            let host = components.host, !host.isEmpty
        else {
            throw InvalidURL(message: "the PostgreSQL URL must look like postgres://user:password@host:5432/database")
        }
        self.host = host
        port = components.port ?? 5432
        username = components.user ?? "postgres"
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : path
        schema = nil
        tls = .prefer
        poolSize = 10
        statementTimeout = .seconds(5)
        connectTimeout = .seconds(3)
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                switch value {
                case "disable": tls = .disable
                case "allow", "prefer": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw Self.invalid("sslmode must be disable, prefer or require")
                }
            case "schema":
                guard Self.isIdentifier(value) else { throw Self.invalid("schema must be letters, digits and _") }
                schema = value
            case "pool_size":
                guard let size = Int(value), (1...500).contains(size) else { throw Self.invalid("pool_size must be 1...500") }
                poolSize = size
            case "statement_timeout":
                guard let seconds = Int(value), (1...600).contains(seconds) else {
                    throw Self.invalid("statement_timeout must be 1...600 seconds")
                }
                statementTimeout = .seconds(seconds)
            default:
                throw Self.invalid("unknown PostgreSQL URL parameter \(item.name)")
            }
        }
    }

    /// Whether `name` is safe to use unquoted as a schema name.
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 63, !(("0"..."9").contains(first)) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    private static func invalid(_ message: String) -> InvalidURL {
        InvalidURL(message: "the PostgreSQL URL is invalid: \(message)")
    }

    /// A URL that cannot be used; the message never repeats the password.
    public struct InvalidURL: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
