import Testing

@testable import TelegateApp
@testable import TelegatePostgres

@Suite("Database configuration")
struct DatabaseConfigurationTests {
    @Test("database: url, poolSize, statementTimeout and tls select and tune PostgreSQL; the keys win over URL parameters")
    func postgresOptions() throws {
        let configuration = try ConfigurationFile.parse(
            """
            database:
              url: postgres://telegate:pw@db.internal:5433/telegate?sslmode=disable&pool_size=3
              poolSize: 12
              statementTimeout: 7
              tls: require
            """)
        let location = try DatabaseLocation(url: configuration.databaseURL).applying(configuration.databaseOptions)
        guard case .postgres(let settings) = location else {
            Issue.record("a postgres:// URL did not select PostgreSQL")
            return
        }
        #expect(settings.host == "db.internal")
        #expect(settings.port == 5433)
        #expect(settings.database == "telegate")
        #expect(settings.poolSize == 12)
        #expect(settings.statementTimeout == .seconds(7))
        #expect(settings.tls == .require)
    }

    @Test("SQLite URLs still select SQLite, and the PostgreSQL options leave them alone")
    func sqlite() throws {
        let options = TelegateConfiguration.DatabaseOptions(poolSize: 4, statementTimeout: 2, tls: .disable)
        #expect(try DatabaseLocation(url: "sqlite://./data/t.sqlite").applying(options) == .sqlite(path: "./data/t.sqlite"))
    }

    @Test("Out-of-range database options and unknown schemes are refused with a message")
    func refused() {
        for text in [
            "database: {url: \"postgres://h/db\", poolSize: 0}",
            "database: {url: \"postgres://h/db\", statementTimeout: 0}",
            "database: {url: \"postgres://h/db\", tls: sometimes}",
            "database: {url: \"postgres://h/db\", replicas: 2}",
        ] {
            #expect(throws: ConfigurationError.self, "\(text)") { try ConfigurationFile.parse(text) }
        }
        #expect(throws: ConfigurationError.self) { try DatabaseLocation(url: "mysql://h/db") }
        #expect(throws: ConfigurationError.self) { try DatabaseLocation(url: "postgres://h/db?sslmode=sometimes") }
    }
}
