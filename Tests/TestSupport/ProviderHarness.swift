import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOHTTP1
import SimulatorKit
import StrictJSON
import TelegateApp
import TelegateCore
import TelegramAuth
import Testing

/// A provider's simulator on a loopback port and a Telegate whose app (``ProviderUnderTest/app``, `shop` unless the
/// provider says otherwise) has that provider's adapters pointing at it, called in process (or, with `live`, over
/// HTTP on a free port). Canary secrets, and the credentials Telegate hands out, must never reach logs or error
/// bodies. Each provider's suite names its own harness (`typealias ClerkHarness = ProviderHarness<ClerkUnderTest>`)
/// and adds its configuration and calls to it.
public final class ProviderHarness<Provider: ProviderUnderTest>: Sendable {
    public typealias Reply = HTTPReply

    /// The app's bot token.
    public static var botToken: String { "7100000001:AAcanaryShopBotSecretValue0123456789x" }
    /// Telegate's master key.
    public static var masterKey: String { "Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE=" }
    /// The Telegram user the tests log in by default.
    public static var user: TelegramUser { Provider.user }

    public let simulator: Provider.Simulator
    public let simulatorURL: String
    /// Telegate's public URL; requests under it go to Telegate.
    public let baseURL: String
    public let application: TelegateApplication
    public let logs: LogCapture
    /// The test's client for the simulator (and a live Telegate).
    public let client: HTTPClient
    /// Fault points Telegate reaches around its provider calls.
    public let faults: FaultInjector
    /// The clock Telegate reads, if the test moves it.
    public let clock: TestClock?
    private let telegate: TelegateClient
    private let secrets: SecretCanaries

    private init(
        simulator: Provider.Simulator, simulatorURL: String, baseURL: String, application: TelegateApplication, logs: LogCapture,
        client: HTTPClient, faults: FaultInjector, clock: TestClock?, telegate: TelegateClient, secrets: SecretCanaries
    ) {
        self.simulator = simulator
        self.simulatorURL = simulatorURL
        self.baseURL = baseURL
        self.application = application
        self.logs = logs
        self.client = client
        self.faults = faults
        self.clock = clock
        self.telegate = telegate
        self.secrets = secrets
    }

    /// Runs `body` against `simulator` and a fresh Telegate whose app has the `adapters` made for the
    /// simulator's URL. `environment` holds the adapters' secrets (the bot token and master key are added);
    /// `secrets` are the values no log line or error body may carry. With `live`, Telegate listens on a free port.
    /// Telegate reads `clock`, or the system's clock without one, and reaches `faults` (by default none armed).
    public static func run(
        simulator: Provider.Simulator, adapters: (_ simulatorURL: String) -> [TestConfiguration.Adapter],
        environment: [String: String], secrets: [String], live: Bool = false, corsOrigins: [String] = [],
        faults: FaultInjector = FaultInjector(), clock: TestClock? = nil, _ body: (ProviderHarness) async throws -> Void
    ) async throws {
        let logs = LogCapture()
        let botVariable = Provider.app.uppercased() + "_BOT_TOKEN"
        let canaries = SecretCanaries([botToken, masterKey] + secrets)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("telegate-\(Provider.adapter)-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await simulator.serving { simulatorURL in
            let configuration = try TestConfiguration(
                port: live ? FreePort.next() : nil, directory: directory,
                apps: [
                    .init(
                        Provider.app, corsOrigins: corsOrigins, bots: [.init(token: "env:" + botVariable, isDefault: true)],
                        adapters: adapters(simulatorURL))
                ]
            ).configuration()
            let application = try await TelegateApplication.prepare(
                configuration: configuration,
                environment: environment.merging(["TELEGATE_MASTER_KEY": masterKey, botVariable: botToken]) { $1 },
                logger: logs.logger, clock: clock?.wallClock ?? .system, faults: faults)
            // Tests send up to 50 exchanges at once: enough connections for them, and a wait for one that a busy
            // machine cannot outlast.
            var clientConfiguration = HTTPClient.Configuration()
            clientConfiguration.timeout = .init(connect: .seconds(120))
            clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
            let baseURL = configuration.server.publicURL
            func harness(_ telegate: TelegateClient) -> ProviderHarness {
                ProviderHarness(
                    simulator: simulator, simulatorURL: simulatorURL, baseURL: baseURL, application: application, logs: logs,
                    client: client, faults: faults, clock: clock, telegate: telegate, secrets: canaries)
            }
            if live {
                try await application.serving(closing: client) {
                    try await body(harness(TelegateClient(client: client, baseURL: baseURL)))
                }
            } else {
                do {
                    try await application.inProcess { try await body(harness($0)) }
                } catch {
                    try? await client.shutdown()
                    throw error
                }
                try await client.shutdown()
            }
        }
        #expect(logs.leaks(of: canaries.all).isEmpty, "a secret or a credential reached the logs")
        #expect(logs.leaks(of: Provider.issuedSecrets(simulator)).isEmpty, "a credential the simulator issued reached the logs")
    }

    // MARK: HTTP

    /// A request to `url`: Telegate's (under ``baseURL``) or the simulator's.
    /// `contentType` is sent only with a body.
    public func request(
        _ method: NIOHTTP1.HTTPMethod, _ url: String, body: String? = nil, contentType: String? = "application/json",
        headers: [(String, String)] = []
    ) async throws -> Reply {
        let method = HTTPRequest.Method(method.rawValue) ?? .get
        if url.hasPrefix(baseURL) {
            return try await telegate.request(
                method, String(url.dropFirst(baseURL.count)), body: body, contentType: contentType, headers: headers)
        }
        return try await TelegateClient(client: client, baseURL: "").request(
            method, url, body: body, contentType: contentType, headers: headers)
    }

    /// initData for `user`, signed for the test bot five seconds before `now` (by default the system's time).
    public static func initData(for user: TelegramUser = ProviderHarness.user, now: Int64 = WallClock.system.now) throws -> String {
        try InitDataSigner(botToken: BotToken(botToken)).sign(user: user, authDate: now - 5, queryID: "AAHdF6IQ")
    }

    /// `POST /v1/apps/<app>/exchange` for `user` (with `provider` and `organization` if given), signed at Telegate's
    /// time. The initData, its hash and the credential members the provider names as secret are remembered for the
    /// log check; error bodies are checked for secrets and the provider's own error vocabulary.
    public func exchange(_ user: TelegramUser = ProviderHarness.user, provider: String? = nil, organization: String? = nil)
        async throws -> Reply
    {
        let initData = try Self.initData(for: user, now: application.services.clock.now)
        rememberSecrets([initData, String(initData.split(separator: "=").last ?? "")])
        var members: [(key: String, value: JSONValue)] = [("initData", .string(initData))]
        if let provider { members.append(("provider", .string(provider))) }
        if let organization { members.append(("organization", .string(organization))) }
        let reply = try await request(
            .POST, baseURL + "/v1/apps/\(Provider.app)/exchange", body: JSONValue.object(members).serialized)
        secrets.remember(Provider.credentialSecrets.compactMap { reply.json["credential"]?[$0]?.stringValue })
        if reply.status >= 400 {
            #expect(secrets.found(in: reply.body).isEmpty, "a secret reached an error body")
            for leak in Provider.errorBodyLeaks {
                #expect(!reply.body.contains(leak), "an error body carries \(leak)")
            }
        }
        return reply
    }

    /// Marks `values` as secrets: the run fails if any of them appears in the logs or an error body.
    public func rememberSecrets(_ values: [String]) {
        secrets.remember(values)
    }

    /// Telegate's audit log, newest first.
    public func auditEvents() async throws -> [AuditEvent] {
        try await application.services.storage.audit.events(appID: nil, before: nil, limit: 200)
    }
}

/// An identity provider as its suite's ``ProviderHarness`` runs it.
public protocol ProviderUnderTest: Sendable {
    /// The provider's simulator.
    associatedtype Simulator: ProviderSimulator
    /// The adapter kind.
    static var adapter: String { get }
    /// The app the harness configures.
    static var app: String { get }
    /// The Telegram user the tests log in by default.
    static var user: TelegramUser { get }
    /// Members of an exchange's credential that are secrets: they must never be logged.
    static var credentialSecrets: [String] { get }
    /// Words of the provider's own error answers that must never reach an error body.
    static var errorBodyLeaks: [String] { get }
    /// The credentials `simulator` issued itself (not through an exchange reply), which must never be logged.
    static func issuedSecrets(_ simulator: Simulator) -> [String]
}

extension ProviderUnderTest {
    public static var app: String { "shop" }
    public static var user: TelegramUser {
        TelegramUser(
            id: 279_058_397, firstName: "Vladislav", lastName: "Kibenko", username: "vdkfrost", languageCode: "ru",
            photoURL: "https://t.me/i/userpic/320/sample.svg")
    }
    public static var credentialSecrets: [String] { [] }
    public static var errorBodyLeaks: [String] { [] }
    public static func issuedSecrets(_ simulator: Simulator) -> [String] { [] }
}

/// A provider that keeps accounts of its own, checked with the provider identity contract.
public protocol IdentityProviderUnderTest: ProviderUnderTest {
    /// The simulator's operations and the labels of the harness's adapter.
    associatedtype IdentityProfile: ProviderIdentityProfile
    /// The provider's account an exchange's credential is for.
    static func accountID(in credential: JSONValue) -> String?
}

/// A provider whose simulator lists the accounts it holds.
public protocol AccountProviderUnderTest: IdentityProviderUnderTest {
    /// The ids of the accounts `simulator` holds, oldest first.
    static func accounts(_ simulator: Simulator) -> [String]
}

extension ProviderHarness: ProviderIdentityHarness where Provider: IdentityProviderUnderTest {
    public typealias Profile = Provider.IdentityProfile

    public var providerControl: SimulatorControl { simulator.control }

    public func identityExchange(telegramID: Int64, firstName: String) async throws -> ProviderIdentityReply {
        let user = TelegramUser(
            id: telegramID, firstName: firstName, lastName: nil, username: "user\(telegramID)", languageCode: "en", photoURL: nil)
        let reply = try await exchange(user)
        return ProviderIdentityReply(status: reply.status, body: reply.json, accountID: account(of: reply))
    }

    /// The provider's account `reply`'s credential is for.
    public func account(of reply: Reply) -> String? {
        reply.json["credential"].flatMap(Provider.accountID(in:))
    }

    public func metricsText() async throws -> String {
        try await request(.GET, baseURL + "/metrics").body
    }
}
