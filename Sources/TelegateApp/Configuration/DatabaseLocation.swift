/// Where the data lives, from `database.url` or `TELEGATE_DATABASE_URL`.
public enum DatabaseLocation: Sendable, Equatable {
    /// An SQLite file: `sqlite://./relative/path` or `sqlite:///absolute/path`.
    case sqlite(path: String)

    /// Parses a database URL.
    public init(url: String) throws {
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw ConfigurationError("the SQLite URL has no path: sqlite://./data/telegate.sqlite") }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            throw ConfigurationError("PostgreSQL is not available in this build; use sqlite://./path")
        } else {
            throw ConfigurationError("the database URL must start with sqlite://")
        }
    }
}
