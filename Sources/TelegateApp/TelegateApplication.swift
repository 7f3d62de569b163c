import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ProviderKit
import ServiceLifecycle
import TelegateAdmin
import TelegateCore
import TelegatePostgres
import TelegateRuntime
import TelegateServer
import TelegateSQLite
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
    /// Sends the outbox's webhook deliveries while the server runs; `webhooks.sendDue()` sends what is due now.
    public let webhooks: WebhookDispatcher
    /// Sends the queued bot messages while the server runs; `messages.sendDue()` sends what is due now.
    public let messages: MessageSender
    /// How often stored configuration is checked for changes made by other instances or the CLI.
    public static let reloadInterval: Duration = .seconds(2)
    /// How often every adapter's URLs are resolved and checked again (``ReachabilityProbe``).
    public static let reachabilityInterval: Duration = .seconds(30)

    /// The application over `services`, its runtimes not yet loaded; `environment` resolves secret references given
    /// to the admin API.
    private init(services: TelegateServices, configuration: TelegateConfiguration, environment: [String: String]) {
        self.services = services
        self.configuration = configuration
        runtimes = RuntimeRegistry()
        reloader = RuntimeReloader(services: services, runtimes: runtimes)
        admin = AdminAPI(services: services, runtimes: runtimes, reloader: reloader, environment: environment)
        var dispatch = WebhookDispatcher.Settings()
        dispatch.pollInterval = configuration.server.webhooks.pollInterval
        webhooks = WebhookDispatcher(
            queue: services.storage.webhookDeliveries, client: services.httpClient, secretBox: services.secretBox,
            clock: services.clock, audit: services.audit, metrics: services.webhookMetrics, wakeup: services.webhookWakeup,
            logger: services.logger, settings: dispatch)
        messages = MessageSender(
            queue: services.storage.botMessages, client: services.httpClient, secretBox: services.secretBox,
            clock: services.clock, metrics: services.messageMetrics, wakeup: services.messageWakeup, logger: services.logger)
    }

    /// Prepares everything short of listening: storage (migrated), the configuration applied, every app compiled
    /// with its signing keys ready.
    /// With `applyConfiguration` false the database is used as it is (for the admin commands). `registry` is the
    /// set of adapter kinds (tests add their own). `clock` is this process's clock, corrected by readings of the
    /// database's (`databaseTime`, by default the engine's own).
    public static func prepare(
        configuration: TelegateConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger, clock: WallClock = .system, databaseTime: DatabaseClock.Reading? = nil,
        httpClient: OutboundHTTPClient? = nil, applyConfiguration: Bool = true,
        telegramKeys: TelegramKeySet? = nil, faults: FaultInjector? = nil,
        registry: AdapterRegistry = BuiltinProviders.registry
    ) async throws -> TelegateApplication {
        guard let masterKeyReference = configuration.masterKey else {
            throw ConfigurationError("masterKey is required: masterKey: env:TELEGATE_MASTER_KEY (base64 of 32 bytes)")
        }
        let masterKey = try MasterKey(base64: try masterKeyReference.resolve(environment: environment))
        let faults = try faults ?? FaultInjector.fromEnvironment(environment, publicURL: configuration.server.publicURL)
        let location = try databaseLocation(configuration: configuration, environment: environment)
        let storage = try openStorage(location, logger: logger)
        do {
            try await storage.migrate()
        } catch {
            try? await storage.close()
            throw error
        }
        let client = httpClient ?? OutboundHTTPClient(
            configuration: .init(
                redirectConfiguration: .disallow,
                timeout: .init(connect: .seconds(2), read: .seconds(8)),
                connectionPool: .init(
                    idleTimeout: .seconds(60),
                    concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.server.upstreamConnectionsPerHost)))
        do {
            let box = SecretBox(masterKey: masterKey)
            guard try await MasterKeyCheck.opens(box, storage: storage, now: clock.now) else {
                throw masterKeyMismatch(location, reference: masterKeyReference)
            }
            let time = TimePolicy(leeway: configuration.server.clockLeeway)
            let databaseClock = DatabaseClock(local: clock, read: databaseTime ?? { try await storage.databaseTime() })
            await ClockSkewMonitor(clock: databaseClock, time: time, logger: logger).check()
            let telegramOIDC = configuration.server.telegramOIDC
            let services = TelegateServices(
                storage: storage, secretBox: box, registry: registry,
                httpClient: client,
                telegramKeys: telegramKeys
                    ?? TelegramKeySet(
                        fetcher: HTTPTelegramOIDCFetcher(
                            client: client, policy: OutboundURLPolicy(allowInsecureLoopback: telegramOIDC.allowInsecureLoopback)),
                        discoveryURL: telegramOIDC.discoveryURL, issuer: telegramOIDC.issuer),
                clock: databaseClock, time: time, logger: logger, publicURL: configuration.server.publicURL, faults: faults,
                telegramOIDC: telegramOIDC,
                builtInClients: configuration.server.consoleTelegramLogin?.builtInClients(
                    publicURL: configuration.server.publicURL) ?? [:])
            if applyConfiguration {
                try await ConfigurationApplier(services: services, environment: environment).apply(configuration.apps)
            }
            let application = TelegateApplication(services: services, configuration: configuration, environment: environment)
            try await application.reloader.reload()
            if applyConfiguration {
                for app in try await storage.configuration.apps() {
                    for warning in app.warnings { logger.warning("\(warning)", metadata: ["app": "\(app.settings.id)"]) }
                }
            }
            return application
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
            databaseLocation(configuration: configuration, environment: environment), logger: Logger(label: "telegate.migrate"))
        let applied = try await storage.migrate()
        try await storage.close()
        return applied
    }

    /// `TELEGATE_DATABASE_URL`, else `database.url`, with the file's `database:` options.
    private static func databaseLocation(
        configuration: TelegateConfiguration, environment: [String: String]
    ) throws -> DatabaseLocation {
        let url = environment["TELEGATE_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? configuration.databaseURL
        return try DatabaseLocation(url: url).applying(configuration.databaseOptions)
    }

    private static func openStorage(_ location: DatabaseLocation, logger: Logger) throws -> any TelegateStorage {
        switch location {
        case .sqlite(let path): try SQLiteStorage(path: path)
        case .postgres(let settings): PostgresStorage(settings: settings, logger: logger)
        }
    }

    /// The refusal to start on a database whose secrets another master key sealed: it names the database, where
    /// the quickstart's key is when that may be the one, and the fix.
    private static func masterKeyMismatch(_ location: DatabaseLocation, reference: SecretReference) -> TelegateError {
        let quickstartKey = Quickstart.masterKeyPath
        let hint =
            reference != .file(quickstartKey) && FileManager.default.fileExists(atPath: quickstartKey)
            ? " (the quickstart keeps its key in ./\(quickstartKey))" : ""
        return TelegateError(
            .masterKeyMismatch,
            "the database at \(location.displayName) was sealed with a different master key\(hint); start with the "
                + "master key it was sealed with, or give this configuration a database of its own (database.url)")
    }

    /// The pruning of expired tokens, codes and sessions and of settled events past `server.events.retention`, on
    /// this application's storage and clock.
    var pruner: ExpiredTokenPruner {
        ExpiredTokenPruner(
            store: services.storage.refreshTokens, codes: services.storage.authorizationCodes,
            sessions: services.storage.browserSessions, events: services.storage.events,
            eventRetention: configuration.server.events.retention, clock: services.clock, logger: services.logger)
    }

    /// The HTTP application, bound to `host:port` from the configuration unless given.
    public func httpApplication(
        host: String? = nil, port: Int? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<TelegateRequestContext>> {
        let server = configuration.server
        let connections = connectionGuard()
        var options = TelegateRouter.Options(
            requestsPerSecond: server.rateLimit.perClient, burst: server.rateLimit.burst,
            trustedProxies: server.trustedProxies, connectionMetrics: connections.metrics)
        options.consoleTelegramLogin = server.consoleTelegramLogin
        let pruner = self.pruner
        let skew = ClockSkewMonitor(clock: services.databaseClock, time: services.time, logger: services.logger)
        // The outbox's webhook deliveries go out from every instance that dispatches, each claimed by one.
        let dispatching: [any Service] = server.webhooks.dispatch ? [WebhookDispatchService(dispatcher: webhooks)] : []
        return Application(
            router: TelegateRouter.make(services: services, runtimes: runtimes, options: options, admin: admin),
            server: connections.http1(),
            configuration: .init(
                address: .hostname(host ?? configuration.server.host, port: port ?? configuration.server.port),
                serverName: "Telegate", backlog: Self.listenBacklog),
            services: [
                // Expired refresh tokens, families, authorization codes and browser sessions, and settled events past
                // their retention, leave the tables.
                PeriodicService(interval: ExpiredTokenPruner.interval) { [pruner] in await pruner.prune() },
                // Changes made elsewhere (another instance, the CLI on the database, `config apply`) take effect here.
                PeriodicService(interval: Self.reloadInterval) { [reloader] in await reloader.reloadReportingFailure() },
                // Times follow the database's clock.
                PeriodicService(interval: ClockSkewMonitor.interval) { [skew] in await skew.check() },
                // An adapter that cannot reach its provider is named in the log, `/readyz` and `/metrics`.
                PeriodicService(interval: Self.reachabilityInterval, immediately: true) { [services, runtimes] in
                    await ReachabilityProbe.probe(runtimes, services: services)
                },
                // The console's overview: this instance's counters, read once a minute.
                PeriodicService(interval: MetricsHistory.interval, immediately: true) { [services] in
                    await services.metricsHistory.sample(at: services.clock.now)
                },
                // Queued bot messages go out from every instance, each claimed by one, within Telegram's limits.
                MessageSendService(sender: messages),
            ] + dispatching,
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

    /// Serves until SIGTERM or SIGINT, then finishes in-flight requests and releases resources. Once the server
    /// listens, `onServerRunning` gets its port and every adapter is checked against its provider, each result
    /// handed to `onAdapterChecked` as it arrives; a shutdown is logged when it begins and when it is done. An
    /// address the server cannot listen on fails with `address_in_use` or `address_unavailable`, naming it.
    public func run(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in },
        onAdapterChecked: @escaping @Sendable (StartupAdapterCheck) async -> Void = { _ in }
    ) async throws {
        OpenFileLimit.raise()
        let (started, starting) = AsyncStream.makeStream(of: Void.self)
        let application = httpApplication { port in
            await onServerRunning(port)
            starting.yield()
        }
        let report = LifecycleReport(
            runtimes: runtimes, logger: services.logger, serverStarted: started, onAdapterChecked: onAdapterChecked)
        // Shut down in reverse order: the report announces the shutdown before the server drains.
        let group = ServiceGroup(
            configuration: .init(
                services: [application, report], gracefulShutdownSignals: [.sigterm, .sigint], logger: services.logger))
        do {
            try await group.run()
        } catch let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) {
            try? await shutdown()
            throw ListenAddress(host: configuration.server.host, port: configuration.server.port).failure(errno: error.errnoCode)
        } catch {
            try? await shutdown()
            throw error
        }
        try await shutdown()
        services.logger.notice("stopped")
    }

    /// Releases the HTTP client and the database.
    public func shutdown() async throws {
        try await services.httpClient.shutdown()
        try await services.storage.close()
    }
}

extension TelegateError.Code {
    /// The database's secrets were sealed under another master key.
    public static let masterKeyMismatch = Self("master_key_mismatch", status: 500)
}
