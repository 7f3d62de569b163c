import AsyncHTTPClient
import ClerkSimulator
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import StrictJSON
import TelegateApp
import TelegateCore
import TelegramAuth
import TestSupport
import Testing

/// A logger for servers the tests stop by cancellation, which Hummingbird reports at error level.
let quietLogger: Logger = {
    var logger = Logger(label: "test.quiet")
    logger.logLevel = .critical
    return logger
}()

/// A live Clerk simulator and a live Telegate whose app `shop` has a `clerk` adapter pointing at it (and an
/// `oidc` adapter `convex`), both over real HTTP on free ports. Canary secrets must never reach logs or bodies.
final class ClerkHarness: Sendable {
    static let botToken = "7100000001:AAcanaryShopBotSecretValue0123456789x"
    static let secretKey = "sk_test_canaryClerkSecretKeyValue0123456789"
    static let masterKey = "Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE="
    static let ticketTTL: Int64 = 90
    static let user = TelegramUser(
        id: 279_058_397, firstName: "Vladislav", lastName: "Kibenko", username: "vdkfrost", languageCode: "ru",
        photoURL: "https://t.me/i/userpic/320/sample.svg")

    let simulator: ClerkSimulator
    let simulatorURL: String
    let baseURL: String
    let application: TelegateApplication
    let logs: LogCapture
    let client: HTTPClient

    private init(
        simulator: ClerkSimulator, simulatorURL: String, baseURL: String, application: TelegateApplication,
        logs: LogCapture, client: HTTPClient
    ) {
        self.simulator = simulator
        self.simulatorURL = simulatorURL
        self.baseURL = baseURL
        self.application = application
        self.logs = logs
        self.client = client
    }

    /// Runs `body` against a fresh simulator and Telegate. `adapterConfig` adds members to the clerk adapter's
    /// config (YAML flow syntax, e.g. `username: null`); `secretKey` is what Telegate sends.
    static func run(
        settings: ClerkInstanceSettings = ClerkInstanceSettings(secretKey: ClerkHarness.secretKey),
        adapterConfig: String = "", secretKey: String = ClerkHarness.secretKey, corsOrigins: [String] = [],
        faults: FaultInjector? = nil, _ body: (ClerkHarness) async throws -> Void
    ) async throws {
        let simulator = ClerkSimulator(settings: settings)
        let logs = LogCapture()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-clerk-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            let (simulatorPorts, simulatorReady) = AsyncStream.makeStream(of: Int.self)
            tasks.addTask {
                try await simulator.serve(port: 0, logger: quietLogger) { simulatorReady.yield($0) }
            }
            var simulatorPort = 0
            for await port in simulatorPorts {
                simulatorPort = port
                break
            }
            let port = FreePort.next()
            let extra = adapterConfig.isEmpty ? "" : ", " + adapterConfig
            let origins = corsOrigins.map { "\"\($0)\"" }.joined(separator: ", ")
            let configuration = try ConfigurationFile.parse(
                """
                server:
                  host: 127.0.0.1
                  port: \(port)
                  publicURL: http://127.0.0.1:\(port)
                  rateLimit: {perClient: 0}
                database: {url: "sqlite://\(directory)/telegate.sqlite"}
                masterKey: env:TELEGATE_MASTER_KEY
                apps:
                  - id: shop
                    corsOrigins: [\(origins)]
                    bots:
                      - token: env:SHOP_BOT_TOKEN
                        default: true
                    adapters:
                      - name: clerk
                        kind: clerk
                        default: true
                        config: {secretKey: env:CLERK_SECRET_KEY, apiURL: "http://127.0.0.1:\(simulatorPort)", allowInsecureLoopback: true, ticketTTL: \(ticketTTL)\(extra)}
                      - name: convex
                        kind: oidc
                        config: {audience: convex, algorithm: ES256}
                """)
            let application = try await TelegateApplication.prepare(
                configuration: configuration,
                environment: ["TELEGATE_MASTER_KEY": masterKey, "SHOP_BOT_TOKEN": botToken, "CLERK_SECRET_KEY": secretKey],
                logger: logs.logger, faults: faults)
            // Tests send up to 50 exchanges at once: enough connections for them, and a wait for one that a busy
            // machine cannot outlast.
            var clientConfiguration = HTTPClient.Configuration()
            clientConfiguration.timeout = .init(connect: .seconds(120))
            clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
            let harness = ClerkHarness(
                simulator: simulator, simulatorURL: "http://127.0.0.1:\(simulatorPort)", baseURL: "http://127.0.0.1:\(port)",
                application: application, logs: logs, client: client)
            defer { tasks.cancelAll() }
            try await application.serving(closing: client) { try await body(harness) }
        }
        #expect(logs.leaks(of: [botToken, secretKey, masterKey]).isEmpty, "a secret reached the logs")
        #expect(logs.leaks(of: simulator.signInTokenValues).isEmpty, "a sign-in ticket reached the logs")
    }

    // MARK: HTTP

    struct Reply: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: String

        var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    func request(
        _ method: HTTPMethod, _ url: String, body: String? = nil, contentType: String = "application/json",
        headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            request.headers.add(name: "Content-Type", value: contentType)
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: String(buffer: bytes))
    }

    /// initData for `user`, signed for the test bot.
    static func initData(for user: TelegramUser = ClerkHarness.user) throws -> String {
        try InitDataSigner(botToken: BotToken(botToken)).sign(
            user: user, authDate: Int64(Date().timeIntervalSince1970) - 5, queryID: "AAHdF6IQ")
    }

    /// `POST /v1/apps/shop/exchange` for `user`; error bodies are checked for leaks.
    func exchange(_ user: TelegramUser = ClerkHarness.user, provider: String? = nil) async throws -> Reply {
        var members: [(key: String, value: JSONValue)] = [("initData", .string(try Self.initData(for: user)))]
        if let provider { members.append(("provider", .string(provider))) }
        let reply = try await request(.POST, baseURL + "/v1/apps/shop/exchange", body: JSONValue.object(members).serialized)
        if reply.status >= 400 {
            for leak in [Self.secretKey, "clerk_trace_id", "long_message", #""error":"injected fault""#, "authentication_invalid"] {
                #expect(!reply.body.contains(leak), "an error body carries \(leak)")
            }
        }
        return reply
    }

    /// The Frontend API sign-in a Mini App makes with a ticket.
    func signIn(ticket: String) async throws -> Reply {
        try await request(
            .POST, simulatorURL + "/v1/client/sign_ins", body: "strategy=ticket&ticket=\(ticket)",
            contentType: "application/x-www-form-urlencoded")
    }
}
