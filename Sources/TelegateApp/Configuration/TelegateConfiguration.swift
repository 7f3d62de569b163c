import StrictJSON
import TelegateCore
import TelegatePostgres
import TelegateServer
import TelegramAuth

/// Everything `telegate.yaml` says: where to listen, which database, the master key reference, and the apps.
public struct TelegateConfiguration: Sendable {
    /// Where the HTTP server listens and how it is reached from outside.
    public struct Server: Sendable {
        public var host: String
        public var port: Int
        /// The URL clients and token verifiers use: issuers are `<publicURL>/apps/<app>`. Unless configured, it
        /// follows `host` and `port`: `http://<host>:<port>`.
        public var publicURL: String {
            get { configuredPublicURL ?? "http://\(host):\(port)" }
            set { configuredPublicURL = newValue }
        }
        /// `server.publicURL` as configured; `nil` when it follows `host` and `port`.
        public var configuredPublicURL: String?
        /// Requests per second per client on `/v1/` (`0` disables), and the burst allowed.
        public var rateLimit: (perClient: Double, burst: Double) = (20, 40)
        /// Reverse proxies whose `X-Forwarded-For` is believed.
        public var trustedProxies: [String] = []
        /// Pooled keep-alive connections per provider host: enough that calls to a slow provider never queue
        /// behind each other at the rates Telegate serves (500 exchanges/s at 50 ms upstream latency need ~25).
        public var upstreamConnectionsPerHost: Int = 256
        /// How far clocks may disagree, in seconds: proof and token time checks, the refresh grace window, and the
        /// clock skew against the database that is flagged (``TimePolicy``).
        public var clockLeeway: Int64 = TimePolicy.standard.leeway
        /// Client connections: header, body and idle timeouts, the minimum body rate, and how many may be open
        /// overall and per address (`server.connections`).
        public var connections = ConnectionLimits()
        /// Where Telegram Login's OpenID Provider is (`server.telegramOIDC`): Telegram's own unless pointed at a
        /// stand-in.
        public var telegramOIDC = TelegramOIDCSettings.telegram
        /// Webhook delivery (`server.webhooks`).
        public var webhooks = WebhookSettings()
        /// How long settled events are kept (`server.events`).
        public var events = EventSettings()
        /// The console's "Log in with Telegram" (`server.console.telegramLogin`); `nil` when not configured.
        public var consoleTelegramLogin: ConsoleTelegramLogin?

        /// Creates the settings; the rest starts at its default.
        public init(host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil) {
            self.host = host
            self.port = port
            self.configuredPublicURL = publicURL
        }
    }

    /// PostgreSQL tuning from `database:`; `nil` keeps the URL's value or the default.
    public struct DatabaseOptions: Sendable {
        /// Connections per instance (default 10).
        public var poolSize: Int?
        /// Seconds a statement may run (default 5); also how long a request waits for an unreachable database.
        public var statementTimeout: Int?
        /// `disable`, `prefer` (default) or `require` (verified certificate).
        public var tls: PostgresSettings.TLSMode?

        public init(poolSize: Int? = nil, statementTimeout: Int? = nil, tls: PostgresSettings.TLSMode? = nil) {
            self.poolSize = poolSize
            self.statementTimeout = statementTimeout
            self.tls = tls
        }
    }

    public var server = Server()
    /// `sqlite://./.telegate/telegate.sqlite` (default), `sqlite:///absolute/path` or
    /// `postgres://user:password@host:5432/database`.
    public var databaseURL = "sqlite://./.telegate/telegate.sqlite"
    /// PostgreSQL pool size, statement timeout and TLS mode.
    public var databaseOptions = DatabaseOptions()
    /// Where the master key comes from; `nil` only in quickstart mode.
    public var masterKey: SecretReference?
    /// The apps, each with its bots and adapters.
    public var apps: [AppSpec] = []
}

/// `server.webhooks`: how the webhook dispatcher runs.
public struct WebhookSettings: Sendable {
    /// How often each instance checks the delivery queue when nothing it did appended an event (`pollInterval`,
    /// seconds, 1 to 60; default 1). Events appended by other instances and the CLI wait at most this long.
    public var pollInterval: Duration = .seconds(1)
    /// Whether this instance sends webhook deliveries (`dispatch`, default true). An instance with `false` still writes
    /// every event and its deliveries; the instances that dispatch send them — a deployment can keep its login
    /// instances free of delivery work.
    public var dispatch = true

    /// The defaults.
    public init() {}
}

/// `server.events`: how long the outbox keeps what it has delivered.
public struct EventSettings: Sendable {
    /// The accepted `retention`, in seconds: an hour to ten years.
    public static let allowedRetention: ClosedRange<Int64> = 3_600...315_360_000

    /// How long an event is kept once every delivery of it is settled (`delivered` or `dead`), in seconds (default
    /// 30 days). Events with a pending delivery are kept however old they are.
    public var retention: Int64 = 30 * 86_400

    /// The defaults.
    public init() {}
}
