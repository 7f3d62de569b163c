import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TelegateCore
import TelegatePostgresStore
import TelegateServer
import TelegateStore
import TelegramAuth

/// The composition root: opens the database, applies the configuration, compiles the apps and serves them.
public final class TelegateApplication: Sendable {
    public let services: TelegateServices
    public let runtimes: RuntimeRegistry
    public let configuration: TelegateConfiguration
    /// Applies configuration changes to ``runtimes`` without a restart.
    public let reloader: RuntimeReloader
    /// The admin API, served under `/admin/v1` and called directly by the CLI.
    public let admin: AdminAPI
    /// How often stored configuration is checked for changes made by other instances or the CLI.
    public static let reloadInterval: Duration = .seconds(2)

    private init(
        services: TelegateServices, runtimes: RuntimeRegistry, reloader: RuntimeReloader, admin: AdminAPI,
        configuration: TelegateConfiguration
    ) {
        self.services = services
        self.runtimes = runtimes
        self.reloader = reloader
        self.admin = admin
        self.configuration = configuration
    }

    /// Prepares everything short of listening: storage (migrated), the configuration applied, every app compiled
    /// with its signing keys ready.
    /// With `applyConfiguration` false the database is used as it is (for the admin commands). `registry` is the
    /// set of adapter kinds (tests add their own).
    public static func prepare(
        configuration: TelegateConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger, clock: WallClock = .system, httpClient: HTTPClient? = nil, applyConfiguration: Bool = true,
        telegramKeys: TelegramKeySet? = nil, faults: FaultInjector? = nil,
        registry: AdapterRegistry = BuiltinProviders.registry
    ) async throws -> TelegateApplication {
        guard let masterKeyReference = configuration.masterKey else {
            throw ConfigurationError("masterKey is required: masterKey: env:TELEGATE_MASTER_KEY (base64 of 32 bytes)")
        }
        let masterKey = try MasterKey(base64: try masterKeyReference.resolve(environment: environment))
        let faults = try faults ?? FaultInjector.fromEnvironment(environment, publicURL: configuration.server.publicURL)
        let storage = try openStorage(configuration: configuration, environment: environment, logger: logger)
        do {
            try await storage.migrate()
        } catch {
            try? await storage.close()
            throw error
        }
        let client = httpClient ?? HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                redirectConfiguration: .disallow,
                timeout: .init(connect: .seconds(2), read: .seconds(8)),
                connectionPool: .init(
                    idleTimeout: .seconds(60),
                    concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.server.upstreamConnectionsPerHost)))
        do {
            let services = TelegateServices(
                storage: storage, secretBox: SecretBox(masterKey: masterKey), registry: registry,
                httpClient: client, telegramKeys: telegramKeys ?? TelegramKeySet(fetcher: HTTPTelegramOIDCFetcher(client: client)),
                clock: clock, logger: logger, publicURL: configuration.server.publicURL, faults: faults)
            let rows = ConfigurationRows(box: services.secretBox, registry: services.registry, environment: environment)
            if applyConfiguration {
                try await ConfigurationApplier(storage: storage, rows: rows, environment: environment).apply(configuration.apps)
            }
            let runtimes = RuntimeRegistry()
            let reloader = RuntimeReloader(services: services, runtimes: runtimes)
            try await reloader.reload()
            return TelegateApplication(
                services: services, runtimes: runtimes, reloader: reloader,
                admin: AdminAPI(services: services, runtimes: runtimes, reloader: reloader, environment: environment),
                configuration: configuration)
        } catch {
            // A configuration that cannot be applied must not leave the pool or the database open behind it.
            if httpClient == nil { try? await client.shutdown() }
            try? await storage.close()
            throw error
        }
    }

    /// Opens the configured database and applies pending migrations, and nothing else.
    public static func migrate(
        configuration: TelegateConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> [Int] {
        let storage = try openStorage(
            configuration: configuration, environment: environment, logger: Logger(label: "telegate.migrate"))
        let applied = try await storage.migrate()
        try await storage.close()
        return applied
    }

    private static func openStorage(
        configuration: TelegateConfiguration, environment: [String: String], logger: Logger
    ) throws
        -> any TelegateStorage
    {
        let url = environment["TELEGATE_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? configuration.databaseURL
        return switch try DatabaseLocation(url: url).applying(configuration.databaseOptions) {
        case .sqlite(let path): try SQLiteStorage(path: path)
        case .postgres(let settings): PostgresStorage(settings: settings, logger: logger)
        }
    }

    /// The HTTP application, bound to `host:port` from the configuration unless given.
    public func httpApplication(
        host: String? = nil, port: Int? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<TelegateRequestContext>> {
        let server = configuration.server
        let connections = connectionGuard()
        let options = TelegateRouter.Options(
            requestsPerSecond: server.rateLimit.perClient, burst: server.rateLimit.burst,
            trustedProxies: server.trustedProxies, connectionMetrics: connections.metrics)
        return Application(
            router: TelegateRouter.make(services: services, runtimes: runtimes, options: options, admin: admin),
            server: connections.http1(),
            configuration: .init(
                address: .hostname(host ?? configuration.server.host, port: port ?? configuration.server.port),
                serverName: "Telegate", backlog: Self.listenBacklog),
            services: [
                ExpiredTokenPruner(
                    store: services.storage.refreshTokens, clock: services.clock, logger: services.logger),
                RuntimeReloadService(reloader: reloader, interval: Self.reloadInterval),
            ],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: services.logger)
    }

    /// Connections accepted by the kernel and not yet by Telegate: enough that a burst of new connections (a flood
    /// Telegate is shedding, or clients reconnecting together) does not drop a health check's connection attempt.
    /// The kernel caps it at `net.core.somaxconn`.
    static let listenBacklog = 4096

    /// The connection limits of `server.connections`, fitted below the open-file limit.
    private func connectionGuard() -> ConnectionGuard {
        let configured = configuration.server.connections
        let limits = OpenFileLimit.fitting(configured)
        if limits.maxConnections < configured.maxConnections {
            services.logger.warning(
                "server.connections.max lowered to fit the open-file limit (raise it with ulimit -n or LimitNOFILE)",
                metadata: [
                    "configured": "\(configured.maxConnections)", "applied": "\(limits.maxConnections)",
                    "open_file_limit": "\(OpenFileLimit.current ?? 0)",
                ])
        }
        return ConnectionGuard(limits: limits, exemptAddresses: configuration.server.trustedProxies, logger: services.logger)
    }

    /// Serves until SIGTERM or SIGINT, then finishes in-flight requests and releases resources.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        OpenFileLimit.raise()
        let application = httpApplication(onServerRunning: onServerRunning)
        do {
            try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            try? await shutdown()
            throw error
        }
        try await shutdown()
    }

    /// Releases the HTTP client and the database.
    public func shutdown() async throws {
        try await services.httpClient.shutdown()
        try await services.storage.close()
    }
}
