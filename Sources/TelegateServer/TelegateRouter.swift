import Hummingbird
import Logging
import TelegateAdmin
import TelegateCore
import TelegateRuntime

/// Builds the router with every public route and the middleware around them.
public enum TelegateRouter {
    /// HTTP-level protections.
    public struct Options: Sendable {
        /// Requests per second per client on `/v1/`; `0` disables the limit.
        public var requestsPerSecond: Double
        /// The burst a client may send at once.
        public var burst: Double
        /// Addresses of reverse proxies whose `X-Forwarded-For` is believed.
        public var trustedProxies: [String]
        /// The server's connection counters, served on `/metrics` with the rest.
        public var connectionMetrics: ConnectionMetrics?
        /// The console's "Log in with Telegram" (`server.console.telegramLogin`); `nil` offers only admin tokens.
        public var consoleTelegramLogin: ConsoleTelegramLogin?

        public init(
            requestsPerSecond: Double = 20, burst: Double = 40, trustedProxies: [String] = [],
            connectionMetrics: ConnectionMetrics? = nil
        ) {
            self.requestsPerSecond = requestsPerSecond
            self.burst = burst
            self.trustedProxies = trustedProxies
            self.connectionMetrics = connectionMetrics
        }
    }

    /// The router for `services`, serving the apps in `runtimes`, and `admin` under `/admin/v1` when given.
    public static func make(
        services: TelegateServices, runtimes: RuntimeRegistry, options: Options = Options(), admin: AdminAPI? = nil
    ) -> Router<TelegateRequestContext> {
        let router = Router(context: TelegateRequestContext.self)
        router.add(middleware: RequestLogMiddleware(logger: services.logger))
        if options.requestsPerSecond > 0 {
            router.add(
                middleware: RateLimitMiddleware(
                    limiter: RateLimiter(rate: options.requestsPerSecond, burst: options.burst),
                    trustedProxies: Set(options.trustedProxies)))
        }
        router.add(middleware: CORSMiddleware(runtimes: runtimes))
        router.add(middleware: ProblemMiddleware(logger: services.logger))
        let served = ServedApps(runtimes: runtimes, services: services)
        ExchangeRoutes(exchange: ExchangeService(runtimes: runtimes, services: services)).register(on: router)
        TokenRoutes(refreshGrant: RefreshGrantService(served)).register(on: router)
        WellKnownRoutes(runtimes: runtimes).register(on: router)
        let tokenEndpoint = TokenEndpointService(served, codes: services.storage.authorizationCodes)
        TokenEndpointRoutes(tokens: tokenEndpoint).register(on: router)
        UserInfoRoutes(granted: GrantedTokenService(served)).register(on: router)
        TokenManagementRoutes(granted: GrantedTokenService(served)).register(on: router)
        EndSessionRoutes(endSession: EndSessionService(served), publicURL: services.publicURL).register(on: router)
        AuthorizationRoutes(
            authorization: AuthorizationService(runtimes: runtimes, services: services), runtimes: runtimes,
            telegramLogin: TelegramOIDCUpstream(services: services), publicURL: services.publicURL
        ).register(on: router)
        HealthRoutes(
            storage: services.storage, metrics: services.metrics, clock: services.databaseClock, time: services.time,
            reachability: services.reachability, connections: options.connectionMetrics,
            webhookMetrics: services.webhookMetrics, messageMetrics: services.messageMetrics
        ).register(on: router)
        if let admin {
            let authentication = AdminAuthentication(tokens: admin.tokens, audit: services.audit, clock: services.clock)
            AdminRoutes(api: admin, authentication: authentication, trustedProxies: Set(options.trustedProxies))
                .register(on: router)
            ConsoleRoutes(
                api: admin, authentication: authentication, box: services.secretBox, clock: services.clock,
                audit: services.audit, publicURL: services.publicURL, trustedProxies: Set(options.trustedProxies),
                telegramLogin: options.consoleTelegramLogin.map {
                    ConsoleTelegramLoginRoutes(settings: $0, runtimes: runtimes, tokens: tokenEndpoint)
                }
            ).register(on: router)
        }
        SDKRoutes().register(on: router)
        return router
    }
}
