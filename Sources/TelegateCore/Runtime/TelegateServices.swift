import Logging
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
    public let clock: WallClock
    public let logger: Logger
    /// The public base URL (`https://auth.example.com`), without a trailing slash.
    public let publicURL: String
    public let audit: AuditLog
    public let refreshTokens: RefreshTokenService
    public let metrics: ExchangeMetrics
    /// How often key rings re-read the database, in seconds.
    public let keyRefreshInterval: Int64
    /// Fault points for crash-recovery tests; nothing armed in production.
    public let faults: FaultInjector
    /// Whether each adapter can reach its provider.
    public let reachability: AdapterReachability

    /// Creates the services.
    public init(
        storage: any TelegateStorage, secretBox: SecretBox, registry: AdapterRegistry, httpClient: OutboundHTTPClient,
        telegramKeys: TelegramKeySet, clock: WallClock = .system, logger: Logger, publicURL: String,
        keyRefreshInterval: Int64 = 30, faults: FaultInjector = FaultInjector()
    ) {
        self.storage = storage
        self.secretBox = secretBox
        self.registry = registry
        self.httpClient = httpClient
        self.telegramKeys = telegramKeys
        self.clock = clock
        self.logger = logger
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.audit = AuditLog(store: storage.audit, logger: logger, clock: clock)
        self.refreshTokens = RefreshTokenService(
            store: storage.refreshTokens, clock: clock, sealingKey: secretBox.derivedKey(purpose: "refresh-token v1"))
        self.metrics = ExchangeMetrics()
        self.keyRefreshInterval = keyRefreshInterval
        self.faults = faults
        self.reachability = AdapterReachability(logger: logger)
    }

    /// The issuer URL of `appID`.
    public func issuer(for appID: AppID) -> String { "\(publicURL)/apps/\(appID)" }
}
