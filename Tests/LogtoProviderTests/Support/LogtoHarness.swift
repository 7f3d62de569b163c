import AsyncHTTPClient
import Foundation
import Logging
import LogtoSimulator
import NIOCore
import NIOHTTP1
import StrictJSON
import Synchronization
import TelegateApp
import TelegateCore
import TelegateRuntime
import TelegramAuth
import TestSupport
import Testing

/// A Logto simulator and a Telegate instance configured with Logto adapters pointing at it, both over real HTTP
/// on loopback, with a clock Telegate reads that the test moves, and captured logs checked for secrets.
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
    static func adapters(endpoint: String, extra: String) -> String {
        let common = """
            endpoint: "\(endpoint)", m2mClientId: m2m-telegate, m2mClientSecret: "env:LOGTO_M2M_SECRET", \
            allowInsecureLoopback: true
            """
        return """
                  - name: logto
                    kind: logto
                    default: true
                    config: {\(common), exchangeClientId: telegate-exchange, exchangeClientSecret: "env:LOGTO_EXCHANGE_SECRET", \
            resource: "https://api.example.com", \
            scopes: ["read:polls", "write:polls", "admin:polls", "read:members"], organizations: ["org_acme_*", org_other]\(extra)}
                  - name: logto-subject
                    kind: logto
                    config: {\(common), exchangeClientId: telegate-spa, mode: subjectToken, organizations: [org_acme_1]}
                  - name: logto-no-exchange
                    kind: logto
                    config: {\(common), exchangeClientId: no-exchange, exchangeClientSecret: "env:LOGTO_NO_EXCHANGE_SECRET", \
            resource: "https://api.example.com"}
            """
    }

    let simulator: LogtoSimulator
    let simulatorURL: String
    let baseURL: String
    let clock: HarnessClock
    let logs: LogCapture
    let client: HTTPClient
    /// Fault points Telegate reaches around its provider calls.
    let faults: FaultInjector
    /// The running apps, for reaching an adapter directly.
    let runtimes: RuntimeRegistry
    /// Telegate's audit log.
    let audit: any AuditStore
    private let secrets = Mutex<[String]>([LogtoHarness.botToken, LogtoHarness.masterKey, LogtoHarness.m2mSecret, LogtoHarness.exchangeSecret])

    private init(simulator: LogtoSimulator, simulatorURL: String, baseURL: String, clock: HarnessClock, logs: LogCapture, client: HTTPClient, faults: FaultInjector,
        runtimes: RuntimeRegistry, audit: any AuditStore
    ) {
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

    /// Runs `body` against a fresh simulator and Telegate; `extraConfig` is appended to the `logto` adapter's
    /// config (`, username: "u_{telegram_id}"`).
    static func run(
        simulator: LogtoSimulator = LogtoSimulator(), extraConfig: String = "", _ body: (LogtoHarness) async throws -> Void
    ) async throws {
        let logs = LogCapture()
        try await withSimulator(simulator) { simulatorURL in
            try await runTelegate(simulator: simulator, simulatorURL: simulatorURL, extraConfig: extraConfig, logs: logs, body)
        }
    }

    /// Serves `simulator` on a free loopback port while `body` runs with its base URL.
    static func withSimulator(_ simulator: LogtoSimulator, _ body: (String) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            let (ports, portReady) = AsyncStream.makeStream(of: Int.self)
            tasks.addTask {
                // A simulator that fails to start ends the stream, so the wait below ends too.
                defer { portReady.finish() }
                try await simulator.serve(port: 0, logger: Logger(label: "logto.simulator") { _ in SwiftLogNoOpLogHandler() }) { port in
                    portReady.yield(port)
                }
            }
            var started: Int?
            for await port in ports {
                started = port
                break
            }
            defer { tasks.cancelAll() }
            guard let simulatorPort = started else {
                try await tasks.next()
                throw HarnessFailure("the Logto simulator did not start")
            }
            try await body("http://127.0.0.1:\(simulatorPort)")
        }
    }

    private static func runTelegate(
        simulator: LogtoSimulator, simulatorURL: String, extraConfig: String, logs: LogCapture, _ body: (LogtoHarness) async throws -> Void
    ) async throws {
        let port = FreePort.next()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-logto-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = """
            server:
              host: 127.0.0.1
              port: \(port)
              publicURL: http://127.0.0.1:\(port)
              rateLimit: {perClient: 0}
            database: {url: "sqlite://\(directory)/telegate.sqlite"}
            masterKey: env:TELEGATE_MASTER_KEY
            apps:
              - id: poll
                bots:
                  - token: env:POLL_BOT_TOKEN
                    default: true
                adapters:
            \(adapters(endpoint: simulatorURL, extra: extraConfig))
            """
        let configuration = try ConfigurationFile.parse(text)
        let environment = [
            "TELEGATE_MASTER_KEY": masterKey, "POLL_BOT_TOKEN": botToken, "LOGTO_M2M_SECRET": m2mSecret,
            "LOGTO_EXCHANGE_SECRET": exchangeSecret, "LOGTO_NO_EXCHANGE_SECRET": "no-exchange-secret",
        ]
        let clock = HarnessClock()
        let wallClock = WallClock { clock.now }
        let faults = FaultInjector()
        let application = try await TelegateApplication.prepare(
            configuration: configuration, environment: environment, logger: logs.logger, clock: wallClock, faults: faults)
        // Enough connections for the concurrency tests' 50 simultaneous exchanges, none waiting for another.
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))
        let harness = LogtoHarness(
            simulator: simulator, simulatorURL: simulatorURL, baseURL: "http://127.0.0.1:\(port)", clock: clock, logs: logs,
            client: client, faults: faults, runtimes: application.runtimes, audit: application.services.storage.audit)
        try await application.serving(closing: client) { try await body(harness) }
        #expect(logs.leaks(of: harness.secrets.withLock { $0 }).isEmpty, "a secret reached the logs")
    }

    /// Marks `values` as secrets: the run fails if any of them appears in the logs or an error body.
    func rememberSecrets(_ values: [String]) {
        secrets.withLock { $0.append(contentsOf: values.filter { !$0.isEmpty }) }
    }

    // MARK: HTTP

    struct Reply: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: String

        var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
        var credential: JSONValue { json["credential"] ?? .null }
        var code: String? { json["code"]?.stringValue }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// A request to `url` (absolute).
    func send(_ method: NIOHTTP1.HTTPMethod, _ url: String, body: String? = nil, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: String(buffer: bytes))
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
            for secret in secrets.withLock({ $0 }) where secret.count >= 8 {
                #expect(!reply.body.contains(secret), "a secret reached an error body")
            }
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

/// A wall clock the tests move by hand, starting at the real time.
final class HarnessClock: Sendable {
    private let seconds = Mutex(Int64(Date().timeIntervalSince1970))

    var now: Int64 { seconds.withLock { $0 } }
    func advance(_ delta: Int64) { seconds.withLock { $0 += delta } }
}

/// The harness could not set up what a test needs.
struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
