import AsyncHTTPClient
import Foundation
import HTTPTypes
import LogtoSimulator
import NIOHTTP1
import StrictJSON
import Synchronization
import TelegateApp
import TelegateCore
import TelegateRuntime
import TelegateTesting
import TelegramAuth
import Testing

/// A Logto simulator on a loopback port and a Telegate, called in process, configured with Logto adapters
/// pointing at it, with a clock Telegate reads that the test moves, and captured logs checked for secrets.
final class LogtoHarness: Sendable {
    /// Canary secrets: they must never appear in logs or error bodies.
    static let botToken = "7000000001:AAcanaryPollBotSecretValue0123456789x"
    static let masterKey = "Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE="
    static let m2mSecret = "m2m-telegate-secret"
    static let exchangeSecret = "telegate-exchange-secret"
    static let sampleUser = TelegramUser(
        id: 279_058_397, firstName: "Vladislav", lastName: "Kibenko", username: "vdkfrost", languageCode: "ru",
        isPremium: true, allowsWriteToPM: true, photoURL: "https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg")

    /// The adapters every harness configures: `logto` (access tokens, default), `logto-subject` (subject tokens
    /// for a public app) and `logto-no-exchange` (an app without token exchange).
    static func adapters(endpoint: String) -> [TestConfiguration.Adapter] {
        let common: [(key: String, value: JSONValue)] = [
            ("endpoint", .string(endpoint)), ("m2mClientId", .string("m2m-telegate")),
            ("m2mClientSecret", .string("env:LOGTO_M2M_SECRET")), ("allowInsecureLoopback", .bool(true)),
        ]
        return [
            .init(
                "logto", kind: "logto", isDefault: true,
                config: common + [
                    ("exchangeClientId", .string("telegate-exchange")), ("exchangeClientSecret", .string("env:LOGTO_EXCHANGE_SECRET")),
                    ("resource", .string("https://api.example.com")),
                    ("scopes", .array(["read:polls", "write:polls", "admin:polls", "read:members"].map(JSONValue.string))),
                    ("organizations", .array([.string("org_acme_*"), .string("org_other")])),
                ]),
            .init(
                "logto-subject", kind: "logto",
                config: common + [
                    ("exchangeClientId", .string("telegate-spa")), ("mode", .string("subjectToken")),
                    ("organizations", .array([.string("org_acme_1")])),
                ]),
            .init(
                "logto-no-exchange", kind: "logto",
                config: common + [
                    ("exchangeClientId", .string("no-exchange")), ("exchangeClientSecret", .string("env:LOGTO_NO_EXCHANGE_SECRET")),
                    ("resource", .string("https://api.example.com")),
                ]),
        ]
    }

    let simulator: LogtoSimulator
    let simulatorURL: String
    let baseURL: String
    let clock: TestClock
    let logs: LogCapture
    /// The test's client for the simulator.
    let client: HTTPClient
    private let telegate: TelegateClient
    /// Fault points Telegate reaches around its provider calls.
    let faults: FaultInjector
    /// The running apps, for reaching an adapter directly.
    let runtimes: RuntimeRegistry
    /// Telegate's audit log.
    let audit: any AuditStore
    private let secrets: SecretCanaries

    private init(
        simulator: LogtoSimulator, simulatorURL: String, baseURL: String, clock: TestClock, logs: LogCapture, client: HTTPClient,
        telegate: TelegateClient, secrets: SecretCanaries, faults: FaultInjector, runtimes: RuntimeRegistry, audit: any AuditStore
    ) {
        self.telegate = telegate
        self.secrets = secrets
        self.simulator = simulator
        self.simulatorURL = simulatorURL
        self.baseURL = baseURL
        self.clock = clock
        self.logs = logs
        self.client = client
        self.faults = faults
        self.runtimes = runtimes
        self.audit = audit
    }

    /// Telegate's clock, Unix seconds.
    var now: Int64 { clock.now }
    /// Moves Telegate's clock.
    func advance(_ seconds: Int64) { clock.advance(seconds) }

    /// Runs `body` against a fresh simulator and Telegate.
    static func run(simulator: LogtoSimulator = LogtoSimulator(), _ body: (LogtoHarness) async throws -> Void) async throws {
        let logs = LogCapture()
        let secrets = SecretCanaries([botToken, masterKey, m2mSecret, exchangeSecret])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-logto-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await simulator.serving { simulatorURL in
            let configuration = try TestConfiguration(
                directory: directory,
                apps: [.init("poll", bots: [.init(token: "env:POLL_BOT_TOKEN", isDefault: true)], adapters: adapters(endpoint: simulatorURL))]
            ).configuration()
            let environment = [
                "TELEGATE_MASTER_KEY": masterKey, "POLL_BOT_TOKEN": botToken, "LOGTO_M2M_SECRET": m2mSecret,
                "LOGTO_EXCHANGE_SECRET": exchangeSecret, "LOGTO_NO_EXCHANGE_SECRET": "no-exchange-secret",
            ]
            let clock = TestClock(Int64(Date().timeIntervalSince1970))
            let faults = FaultInjector()
            let application = try await TelegateApplication.prepare(
                configuration: configuration, environment: environment, logger: logs.logger, clock: clock.wallClock,
                faults: faults)
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                try await application.inProcess { telegate in
                    try await body(
                        LogtoHarness(
                            simulator: simulator, simulatorURL: simulatorURL, baseURL: configuration.server.publicURL, clock: clock,
                            logs: logs, client: client, telegate: telegate, secrets: secrets, faults: faults,
                            runtimes: application.runtimes, audit: application.services.storage.audit))
                }
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
        #expect(logs.leaks(of: secrets.all).isEmpty, "a secret reached the logs")
    }

    /// Marks `values` as secrets: the run fails if any of them appears in the logs or an error body.
    func rememberSecrets(_ values: [String]) {
        secrets.remember(values)
    }

    // MARK: HTTP

    typealias Reply = HTTPReply

    /// A request to `url` (absolute): Telegate's (under ``baseURL``) or the simulator's.
    func send(_ method: NIOHTTP1.HTTPMethod, _ url: String, body: String? = nil, headers: [(String, String)] = []) async throws -> Reply {
        let method = HTTPRequest.Method(method.rawValue) ?? .get
        let contentType = headers.contains(where: { $0.0.lowercased() == "content-type" }) ? nil : "application/json"
        if url.hasPrefix(baseURL) {
            return try await telegate.request(
                method, String(url.dropFirst(baseURL.count)), body: body, contentType: contentType, headers: headers)
        }
        return try await TelegateClient(client: client, baseURL: "").request(
            method, url, body: body, contentType: contentType, headers: headers)
    }

    /// `POST /v1/apps/poll/exchange` for `user`.
    func exchange(user: TelegramUser = LogtoHarness.sampleUser, provider: String? = nil, organization: String? = nil) async throws -> Reply {
        let initData = try InitDataSigner(botToken: BotToken(Self.botToken)).sign(user: user, authDate: now - 5, queryID: "AAHdF6IQ")
        rememberSecrets([initData, String(initData.split(separator: "=").last ?? "")])
        var members: [(key: String, value: JSONValue)] = [("initData", .string(initData))]
        if let provider { members.append(("provider", .string(provider))) }
        if let organization { members.append(("organization", .string(organization))) }
        let reply = try await send(.POST, baseURL + "/v1/apps/poll/exchange", body: JSONValue.object(members).serialized)
        rememberSecrets(
            [reply.credential["accessToken"]?.stringValue, reply.credential["subjectToken"]?.stringValue].compactMap { $0 })
        if reply.status >= 400 {
            #expect(secrets.found(in: reply.body).isEmpty, "a secret reached an error body")
            #expect(!reply.body.contains("sub_"), "a subject token or Logto body reached an error body")
        }
        return reply
    }

    /// A Management API token for the tests' own calls to the simulator.
    func managementToken() async throws -> String {
        let reply = try await send(
            .POST, simulatorURL + "/oidc/token",
            body: "grant_type=client_credentials&resource=https%3A%2F%2Fdefault.logto.app%2Fapi&scope=all",
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Authorization", "Basic " + Data("m2m-telegate:\(Self.m2mSecret)".utf8).base64EncodedString()),
            ])
        return reply.json["access_token"]?.stringValue ?? ""
    }
}

/// A Telegram user with id `id`.
func telegramUser(_ id: Int64, firstName: String = "Ada") -> TelegramUser {
    TelegramUser(id: id, firstName: firstName, lastName: nil, username: "ada\(id)", languageCode: "en", isPremium: false, allowsWriteToPM: true, photoURL: nil)
}

extension HTTPReply {
    /// The exchange's credential.
    var credential: JSONValue { json["credential"] ?? .null }
}
