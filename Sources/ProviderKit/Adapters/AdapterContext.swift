import Logging
import TelegateCore
import TelegateIssuer
import TelegramAuth

/// The shared services an adapter is built with.
public struct AdapterContext: Sendable {
    /// The app the adapter belongs to.
    public let appID: AppID
    /// The adapter's name within the app.
    public let adapterName: AdapterName
    /// The app's issuer URL (`<publicURL>/apps/<app>`), byte-identical in discovery and tokens.
    public let issuer: String
    /// The app's signing keys.
    public let keyRing: KeyRing
    /// Rotating refresh tokens.
    public let refreshTokens: RefreshTokenService
    /// Links to provider users.
    public let links: any ProviderLinkStore
    /// The process-wide pooled HTTP client; it connects only to addresses the outbound policy accepts.
    public let httpClient: OutboundHTTPClient
    /// The audit log.
    public let audit: AuditLog
    /// The wall clock.
    public let clock: WallClock
    /// A logger scoped to this adapter.
    public let logger: Logger
    /// Metrics (upstream calls are recorded by ``upstreamClient(provider:urlPolicy:policy:)``).
    public let metrics: ExchangeMetrics
    /// Fault points for crash-recovery tests; adapters reach them around provider calls.
    public let faults: FaultInjector
    /// Where this adapter's calls report whether its provider is reachable.
    public let reachability: AdapterReachability?

    /// Creates a context.
    public init(
        appID: AppID, adapterName: AdapterName, issuer: String, keyRing: KeyRing, refreshTokens: RefreshTokenService,
        links: any ProviderLinkStore, httpClient: OutboundHTTPClient, audit: AuditLog, clock: WallClock, logger: Logger,
        metrics: ExchangeMetrics, faults: FaultInjector, reachability: AdapterReachability? = nil
    ) {
        self.appID = appID
        self.adapterName = adapterName
        self.issuer = issuer
        self.keyRing = keyRing
        self.refreshTokens = refreshTokens
        self.links = links
        self.httpClient = httpClient
        self.audit = audit
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
        self.faults = faults
        self.reachability = reachability
    }

    /// The client an adapter calls its provider with: the shared connection pool, this adapter's own circuit
    /// breaker (its pause measured on ``clock``), the standard deadlines and retries, `urlPolicy` checked on the
    /// address each connection is made to, and what each call learns reported to ``reachability``. Build it once,
    /// in the adapter's initializer.
    public func upstreamClient(
        provider: String, urlPolicy: OutboundURLPolicy, policy: UpstreamClient.Policy = UpstreamClient.Policy()
    ) -> UpstreamClient {
        let key = AdapterReachability.Key(app: appID, adapter: adapterName)
        return UpstreamClient(
            provider: provider, client: httpClient, breaker: CircuitBreaker(clock: clock), policy: policy, urlPolicy: urlPolicy,
            metrics: metrics, logger: logger, report: { [reachability] state in reachability?.record(state, for: key) })
    }
}
