import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ProviderKit
import StrictJSON
import Synchronization
import TelegateApp
import TelegateCore
import TelegramAuth
import TestSupport
import Testing

/// One Telegate instance per test: its own SQLite database and master key, canary secrets, a controllable clock,
/// captured logs, and a live HTTP server on a known port (so issuer URLs are real URLs).
final class TestService: Sendable {
    /// Canary secrets: they must never appear in logs or error bodies.
    static let pollToken = "7000000001:AAcanaryPollBotSecretValue0123456789x"
    static let quizToken = "7000000002:AAcanaryQuizBotSecretValue0123456789x"
    static let masterKey = "Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE="
    static let sampleUser = TelegramUser(
        id: 279_058_397, firstName: "Vladislav", lastName: "Kibenko", username: "vdkfrost", languageCode: "ru",
        isPremium: true, allowsWriteToPM: true, photoURL: "https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg")

    let baseURL: String
    let clock: TestClock
    let logs: LogCapture
    let telegram: TelegramLoginStub
    let application: TelegateApplication
    let client: HTTPClient
    private let secrets = Mutex<[String]>([TestService.pollToken, TestService.quizToken, TestService.masterKey])

    private init(
        baseURL: String, clock: TestClock, logs: LogCapture, telegram: TelegramLoginStub, application: TelegateApplication,
        client: HTTPClient
    ) {
        self.baseURL = baseURL
        self.clock = clock
        self.logs = logs
        self.telegram = telegram
        self.application = application
        self.client = client
    }

    /// The standard configuration: app `poll` with an HMAC bot and a third-party bot, adapters `convex` (RS256)
    /// and `supabase` (ES256, role claim); app `quiz` with its own bot.
    static func standardConfiguration(port: Int, directory: String) throws -> TelegateConfiguration {
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
                corsOrigins: ["https://web.telegram.org"]
                bots:
                  - token: env:POLL_BOT_TOKEN
                    label: prod
                    default: true
                  - id: 7342037359
                    environment: production
                adapters:
                  - name: convex
                    kind: oidc
                    default: true
                    config: {audience: convex, algorithm: RS256, idTokenTTL: 3600, accessTokenTTL: 900, refreshTokenTTL: 2592000}
                  - name: supabase
                    kind: oidc
                    config: {audience: authenticated, algorithm: ES256, accessTokenClaims: {role: authenticated}}
              - id: quiz
                bots:
                  - token: env:QUIZ_BOT_TOKEN
                adapters:
                  - name: convex
                    kind: oidc
                    config: {audience: convex, algorithm: ES256}
            """
        return try ConfigurationFile.parse(text)
    }

    /// Starts a service, runs `body` against it, stops it, and checks that no secret reached the logs.
    /// `databaseTime` stands in for the database's clock (by default SQLite's, which is this process's).
    static func run(
        clock: TestClock = TestClock(), databaseTime: DatabaseClock.Reading? = nil,
        configure: (inout TelegateConfiguration) -> Void = { _ in },
        registry: AdapterRegistry = BuiltinProviders.registry, _ body: (TestService) async throws -> Void
    ) async throws {
        let port = FreePort.next()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = try standardConfiguration(port: port, directory: directory)
        configure(&configuration)
        let environment = [
            "TELEGATE_MASTER_KEY": masterKey, "POLL_BOT_TOKEN": pollToken, "QUIZ_BOT_TOKEN": quizToken,
        ]
        let logs = LogCapture()
        let telegram = TelegramLoginStub()
        let application = try await TelegateApplication.prepare(
            configuration: configuration, environment: environment, logger: logs.logger, clock: clock.wallClock,
            databaseTime: databaseTime, telegramKeys: telegram.keySet(), registry: registry)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let service = TestService(
            baseURL: "http://127.0.0.1:\(port)", clock: clock, logs: logs, telegram: telegram, application: application,
            client: client)
        try await application.serving(closing: client) { try await body(service) }
        #expect(logs.leaks(of: service.secrets.withLock { $0 }).isEmpty, "a secret reached the logs")
    }

    /// Marks `values` as secrets: the run fails if any of them appears in the logs.
    func rememberSecrets(_ values: [String]) {
        secrets.withLock { $0.append(contentsOf: values) }
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
        _ method: HTTPMethodName, _ path: String, body: String? = nil, contentType: String? = "application/json",
        headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method.nio
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let reply = Reply(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: bytes))
        if reply.status >= 400 {
            for secret in secrets.withLock({ $0 }) where secret.count >= 8 {
                #expect(!reply.body.contains(secret), "a secret reached an error body")
            }
        }
        return reply
    }

    /// `POST /v1/apps/{app}/exchange` with `{"initData": …}` (plus extra members).
    func exchange(app: String = "poll", initData: String, provider: String? = nil) async throws -> Reply {
        var members: [(key: String, value: JSONValue)] = [("initData", .string(initData))]
        if let provider { members.append(("provider", .string(provider))) }
        return try await request(.post, "/v1/apps/\(app)/exchange", body: JSONValue.object(members).serialized)
    }

    /// initData for `user`, signed with the poll bot's token, issued `age` seconds ago.
    func signedInitData(user: TelegramUser = TestService.sampleUser, token: String = TestService.pollToken, age: Int64 = 5) throws -> String {
        let initData = try InitDataSigner(botToken: BotToken(token)).sign(user: user, authDate: clock.now - age, queryID: "AAHdF6IQ")
        rememberSecrets([initData, String(initData.split(separator: "=").last ?? "")])
        return initData
    }
}

/// The HTTP methods the tests use.
enum HTTPMethodName {
    case get, post, options, patch, put, delete

    var nio: NIOHTTP1.HTTPMethod {
        switch self {
        case .get: .GET
        case .post: .POST
        case .options: .OPTIONS
        case .patch: .PATCH
        case .put: .PUT
        case .delete: .DELETE
        }
    }
}
