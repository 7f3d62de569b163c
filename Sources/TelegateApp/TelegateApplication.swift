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

    private init(services: TelegateServices, runtimes: RuntimeRegistry, configuration: TelegateConfiguration) {
        self.services = services
        self.runtimes = runtimes
        self.configuration = configuration
    }

    /// Prepares everything short of listening: storage (migrated), the configuration applied, every app compiled
    /// with its signing keys ready.
    /// With `applyConfiguration` false the database is used as it is (for commands like `keys rotate`).
    public static func prepare(
        configuration: TelegateConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger, clock: WallClock = .system, httpClient: HTTPClient? = nil, applyConfiguration: Bool = true,
        telegramKeys: TelegramKeySet? = nil, faults: FaultInjector? = nil
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
                timeout: .init(connect: .seconds(2), read: .seconds(8))))
        let services = TelegateServices(
            storage: storage, secretBox: SecretBox(masterKey: masterKey), registry: BuiltinProviders.registry,
            httpClient: client, telegramKeys: telegramKeys ?? TelegramKeySet(fetcher: HTTPTelegramOIDCFetcher(client: client)),
            clock: clock, logger: logger, publicURL: configuration.server.publicURL, faults: faults)
        let rows = ConfigurationRows(box: services.secretBox, registry: services.registry, environment: environment)
        if applyConfiguration {
            try await ConfigurationApplier(storage: storage, rows: rows, environment: environment).apply(configuration.apps)
        }
        let runtimes = RuntimeRegistry()
        let builder = RuntimeBuilder(services: services)
        for app in try await storage.configuration.apps() {
            let runtime = try builder.build(app)
            try await runtime.keyRing.ensure(runtime.signingAlgorithms)
            runtimes.install(runtime)
        }
        return TelegateApplication(services: services, runtimes: runtimes, configuration: configuration)
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
        let options = TelegateRouter.Options(
            requestsPerSecond: server.rateLimit.perClient, burst: server.rateLimit.burst,
            trustedProxies: server.trustedProxies)
        return Application(
            router: TelegateRouter.make(services: services, runtimes: runtimes, options: options),
            configuration: .init(
                address: .hostname(host ?? configuration.server.host, port: port ?? configuration.server.port),
                serverName: "Telegate"),
            services: [
                ExpiredTokenPruner(
                    store: services.storage.refreshTokens, clock: services.clock, logger: services.logger)
            ],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: services.logger)
    }

    /// Serves until SIGTERM or SIGINT, then finishes in-flight requests and releases resources.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
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
