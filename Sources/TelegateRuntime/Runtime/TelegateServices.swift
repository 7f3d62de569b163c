import Logging
import ProviderKit
import TelegateCore
import TelegateIssuer
import TelegramAuth

/// The process-wide services everything else is built from.
public struct TelegateServices: Sendable {
    public let storage: any TelegateStorage
    public let secretBox: SecretBox
    public let registry: AdapterRegistry
    /// The outbound HTTP client: pooled, and connecting only to addresses the outbound policy accepts.
    public let httpClient: OutboundHTTPClient
    /// Telegram's OIDC keys, shared by every bot.
    public let telegramKeys: TelegramKeySet
    /// Where Telegram Login's OpenID Provider is, for the hosted login page's code flow.
    public let telegramOIDC: TelegramOIDCSettings
    /// The time everything here stores, signs and checks with: the database's notion of now (``databaseClock``).
    public let clock: WallClock
    /// Where ``clock`` comes from, and how far this process's own clock is from the database's.
    public let databaseClock: DatabaseClock
    /// The clock leeway every time check uses.
    public let time: TimePolicy
    public let logger: Logger
    /// The public base URL (`https://auth.example.com`), without a trailing slash.
    public let publicURL: String
    public let audit: AuditLog
    public let refreshTokens: RefreshTokenService
    public let metrics: ExchangeMetrics
    /// Webhook delivery counters.
    public let webhookMetrics: WebhookMetrics
    /// Bot message counters.
    public let messageMetrics = MessageMetrics()
    /// The last hour of ``metrics`` and the webhook queue's depth, minute by minute (the console's overview).
    public let metricsHistory: MetricsHistory
    /// Wakes this process's webhook dispatcher when a delivery was queued here.
    public let webhookWakeup = WebhookWakeup()
    /// Wakes this process's message sender when a bot message was queued here.
    public let messageWakeup = WebhookWakeup()
    /// How often key rings re-read the database, in seconds.
    public let keyRefreshInterval: Int64
    /// Fault points for crash-recovery tests; nothing armed in production.
    public let faults: FaultInjector
    /// Whether each adapter can reach its provider.
    public let reachability: AdapterReachability
    /// OAuth clients Telegate itself uses, by app: public (PKCE, no secret), known to the app's OpenID Provider
    /// without being stored, and taking the place of a stored client with the same id (the console's
    /// "Log in with Telegram").
    public let builtInClients: [AppID: [ClientSpec]]

    /// Creates the services.
    public init(
        storage: any TelegateStorage, secretBox: SecretBox, registry: AdapterRegistry, httpClient: OutboundHTTPClient,
        telegramKeys: TelegramKeySet, clock: DatabaseClock, time: TimePolicy = .standard, logger: Logger,
        publicURL: String, keyRefreshInterval: Int64 = 30, faults: FaultInjector = FaultInjector(),
        telegramOIDC: TelegramOIDCSettings = .telegram, builtInClients: [AppID: [ClientSpec]] = [:]
    ) {
        self.storage = storage
        self.secretBox = secretBox
        self.registry = registry
        self.httpClient = httpClient
        self.telegramKeys = telegramKeys
        self.telegramOIDC = telegramOIDC
        self.clock = clock.wallClock
        self.databaseClock = clock
        self.time = time
        self.logger = logger
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.audit = AuditLog(store: storage.audit, logger: logger, clock: self.clock)
        self.refreshTokens = RefreshTokenService(
            store: storage.refreshTokens, clock: self.clock, secretBox: secretBox, graceWindow: time.leeway)
        self.metrics = ExchangeMetrics()
        self.webhookMetrics = WebhookMetrics()
        self.metricsHistory = MetricsHistory(
            metrics: metrics, queueDepth: { [storage] in try? await storage.webhookDeliveries.backlog().pending })
        self.keyRefreshInterval = keyRefreshInterval
        self.faults = faults
        self.reachability = AdapterReachability(logger: logger)
        self.builtInClients = builtInClients
    }

    /// The issuer URL of `appID`.
    public func issuer(for appID: AppID) -> String { "\(publicURL)/apps/\(appID)" }
}
