import TelegatePostgres

/// Where the data lives, from `database.url` or `TELEGATE_DATABASE_URL`.
public enum DatabaseLocation: Sendable, Equatable {
    /// An SQLite file: `sqlite://./relative/path` or `sqlite:///absolute/path`.
    case sqlite(path: String)
    /// A PostgreSQL database: `postgres://user:password@host:5432/database?sslmode=require`.
    case postgres(PostgresSettings)

    /// Parses a database URL.
    public init(url: String) throws {
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw ConfigurationError("the SQLite URL has no path: sqlite://./data/telegate.sqlite") }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            do {
                self = .postgres(try PostgresSettings(url: url))
            } catch let error as PostgresSettings.InvalidURL {
                throw ConfigurationError(error.message)
            }
        } else {
            throw ConfigurationError("the database URL must start with sqlite:// or postgres://")
        }
    }

    /// The database as messages name it: the SQLite file's path (`./.telegate/telegate.sqlite`), or the
    /// PostgreSQL server and database without credentials.
    public var displayName: String {
        switch self {
        case .sqlite(let path):
            path.hasPrefix("/") || path.hasPrefix("./") || path.hasPrefix("../") ? path : "./" + path
        case .postgres(let settings):
            "postgres://\(settings.host):\(settings.port)/\(settings.database)"
        }
    }

    /// Applies the `database:` options of the configuration file (PostgreSQL only; SQLite has nothing to tune).
    func applying(_ options: TelegateConfiguration.DatabaseOptions) -> DatabaseLocation {
        guard case .postgres(var settings) = self else { return self }
        if let poolSize = options.poolSize { settings.poolSize = poolSize }
        if let timeout = options.statementTimeout { settings.statementTimeout = .seconds(timeout) }
        if let tls = options.tls { settings.tls = tls }
        return .postgres(settings)
    }
}
