import AsyncHTTPClient
import SupabaseSimulator
import Foundation
import HTTPTypes
import Logging
import NIOHTTP1
import StrictJSON
import TelegateApp
import TelegateCore
import TelegateTesting
import TelegramAuth
import Testing

/// A logger for servers the tests stop by cancellation, which Hummingbird reports at error level.
let quietLogger: Logger = {
    var logger = Logger(label: "test.quiet")
    logger.logLevel = .critical
    return logger
}()

/// A Supabase simulator on a loopback port and a Telegate whose app `shop` has a `supabase` adapter pointing at it,
/// called in process (or, with `live`, over HTTP on a free port). Canary secrets must never reach logs or bodies.
final class SupabaseHarness: Sendable {
    static let botToken = "7100000001:AAcanaryShopBotSecretValue0123456789x"
    static let secretKey = "sb_secret_canarySupabaseSecretKeyValue0123456789"
    static let anonKey = SupabaseProjectSettings.defaultAnonKey
    static let emailDomain = "users.shop.example"
    static let masterKey = "Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE="
    static let user = TelegramUser(
        id: 279_058_397, firstName: "Vladislav", lastName: "Kibenko", username: "vdkfrost", languageCode: "ru",
        photoURL: "https://t.me/i/userpic/320/sample.svg")

    let simulator: SupabaseSimulator
    let simulatorURL: String
    let baseURL: String
    let application: TelegateApplication
    let logs: LogCapture
    /// The test's client for the simulator (and a live Telegate).
    let client: HTTPClient
    private let telegate: TelegateClient

    private init(
        simulator: SupabaseSimulator, simulatorURL: String, baseURL: String, application: TelegateApplication,
        logs: LogCapture, client: HTTPClient, telegate: TelegateClient
    ) {
        self.simulator = simulator
        self.simulatorURL = simulatorURL
        self.baseURL = baseURL
        self.application = application
        self.logs = logs
        self.client = client
        self.telegate = telegate
    }

    /// Runs `body` against a fresh simulator and Telegate. `adapterConfig` adds members to the supabase adapter's
    /// config; `adapters` adds adapters to the app; `secretKey` is what Telegate sends. With `live`, Telegate listens on a free port. Telegate reads
    /// `clock`, or the system's clock without one.
    static func run(
        live: Bool = false, settings: SupabaseProjectSettings = SupabaseProjectSettings(serviceRoleKey: SupabaseHarness.secretKey),
        adapterConfig: [(key: String, value: JSONValue)] = [], adapters: [TestConfiguration.Adapter] = [],
        secretKey: String = SupabaseHarness.secretKey,
        corsOrigins: [String] = [], faults: FaultInjector? = nil, clock: TestClock? = nil,
        simulatorNow: (@Sendable () -> Int64)? = nil,
        _ body: (SupabaseHarness) async throws -> Void
    ) async throws {
        let simulator =
            if let simulatorNow { SupabaseSimulator(settings: settings, now: simulatorNow) } else { SupabaseSimulator(settings: settings) }
        let logs = LogCapture()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-supabase-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await simulator.serving { simulatorURL in
            let configuration = try TestConfiguration(
                port: live ? FreePort.next() : nil, directory: directory,
                apps: [
                    .init(
                        "shop", corsOrigins: corsOrigins, bots: [.init(token: "env:SHOP_BOT_TOKEN", isDefault: true)],
                        adapters: [
                            .init(
                                "supabase", kind: "supabase", isDefault: true,
                                config: [
                                    ("serviceRoleKey", .string("env:SUPABASE_SECRET_KEY")), ("url", .string(simulatorURL)),
                                    ("emailDomain", .string(emailDomain)), ("allowInsecureLoopback", .bool(true)),
                                ] + adapterConfig)
                        ] + adapters)
                ]
            ).configuration()
            let application = try await TelegateApplication.prepare(
                configuration: configuration,
                environment: ["TELEGATE_MASTER_KEY": masterKey, "SHOP_BOT_TOKEN": botToken, "SUPABASE_SECRET_KEY": secretKey],
                logger: logs.logger, clock: clock?.wallClock ?? .system, faults: faults)
            // Tests send up to 50 exchanges at once: enough connections for them, and a wait for one that a busy
            // machine cannot outlast.
            var clientConfiguration = HTTPClient.Configuration()
            clientConfiguration.timeout = .init(connect: .seconds(120))
            clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
            let baseURL = configuration.server.publicURL
            func harness(_ telegate: TelegateClient) -> SupabaseHarness {
                SupabaseHarness(
                    simulator: simulator, simulatorURL: simulatorURL, baseURL: baseURL, application: application, logs: logs,
                    client: client, telegate: telegate)
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
        #expect(logs.leaks(of: [botToken, secretKey, masterKey]).isEmpty, "a secret reached the logs")
        #expect(logs.leaks(of: simulator.issuedEmailTokens).isEmpty, "a one-time token reached the logs")
    }

    // MARK: HTTP

    typealias Reply = HTTPReply

    /// A request to `url`: Telegate's (under ``baseURL``) or the simulator's.
    func request(
        _ method: NIOHTTP1.HTTPMethod, _ url: String, body: String? = nil, contentType: String = "application/json",
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
    static func initData(for user: TelegramUser = SupabaseHarness.user, now: Int64 = WallClock.system.now) throws -> String {
        try InitDataSigner(botToken: BotToken(botToken)).sign(user: user, authDate: now - 5, queryID: "AAHdF6IQ")
    }

    /// `POST /v1/apps/shop/exchange` for `user`, signed at Telegate's time; error bodies are checked for leaks.
    func exchange(_ user: TelegramUser = SupabaseHarness.user, provider: String? = nil) async throws -> Reply {
        let initData = try Self.initData(for: user, now: application.services.clock.now)
        var members: [(key: String, value: JSONValue)] = [("initData", .string(initData))]
        if let provider { members.append(("provider", .string(provider))) }
        let reply = try await request(.POST, baseURL + "/v1/apps/shop/exchange", body: JSONValue.object(members).serialized)
        if reply.status >= 400 {
            for leak in [Self.secretKey, "error_code", "msg", #""error":"injected fault""#, "not_admin", "email_exists"] {
                #expect(!reply.body.contains(leak), "an error body carries \(leak)")
            }
        }
        return reply
    }

    /// `POST /auth/v1/verify {type, token_hash}` as `supabase.auth.verifyOtp` sends it, with the publishable key.
    func verify(tokenHash: String, type: String) async throws -> Reply {
        let body = JSONValue.object([("type", .string(type)), ("token_hash", .string(tokenHash))]).serialized
        return try await request(.POST, simulatorURL + "/auth/v1/verify", body: body, headers: [("apikey", Self.anonKey)])
    }

    /// The claims of a JWT, read without checking it.
    static func claims(of jwt: String) -> JSONValue? {
        let parts = jwt.split(separator: ".")
        guard parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).flatMap { try? JSONValue.parse(Array($0)) }
    }

    /// A call to a Supabase admin route with the secret key.
    func admin(_ method: NIOHTTP1.HTTPMethod, _ path: String, body: String? = nil) async throws -> Reply {
        try await request(
            method, simulatorURL + "/auth/v1" + path, body: body,
            headers: [("apikey", Self.secretKey), ("Authorization", "Bearer \(Self.secretKey)")])
    }
}
