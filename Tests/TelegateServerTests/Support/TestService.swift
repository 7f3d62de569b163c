import AsyncHTTPClient
import Foundation
import HTTPTypes
import ProviderKit
import StrictJSON
import Synchronization
import TelegateApp
import TelegateCore
import TelegateTesting
import TelegramAuth
import Testing

/// One Telegate instance per test: its own SQLite database and master key, canary secrets, a controllable clock and
/// captured logs, called in process through its router; or, for what needs a socket (relying parties fetching the
/// issuer's keys, client addresses, raw connections), a live HTTP server on a known port.
final class TestService: Sendable {
    /// Canary secrets: they must never appear in logs or error bodies.
    static let pollToken = "7000000001:AAcanaryPollBotSecretValue0123456789x"
    static let quizToken = "7000000002:AAcanaryQuizBotSecretValue0123456789x"
    static let masterKey = "Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE="
    /// The secret of an OAuth client a test declares with `secret: env:POLL_DJANGO_CLIENT_SECRET`.
    static let djangoClientSecret = "canary-django-client-secret-0123456789abcdef"
    /// The poll bot's Telegram Login client secret, in the environment as `POLL_OIDC_CLIENT_SECRET`.
    static let pollOIDCSecret = "canary-poll-telegram-login-client-secret"
    static let sampleUser = TelegramUser(
        id: 279_058_397, firstName: "Vladislav", lastName: "Kibenko", username: "vdkfrost", languageCode: "ru",
        isPremium: true, allowsWriteToPM: true, photoURL: "https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg")

    let baseURL: String
    let clock: TestClock
    let logs: LogCapture
    let telegram: TelegramLoginStub
    let application: TelegateApplication
    /// A client for third parties calling the live server (relying parties fetching keys); only with `live`.
    let client: HTTPClient
    private let telegate: TelegateClient
    private let secrets: SecretCanaries

    private init(
        baseURL: String, clock: TestClock, logs: LogCapture, telegram: TelegramLoginStub, application: TelegateApplication,
        client: HTTPClient, telegate: TelegateClient, secrets: SecretCanaries
    ) {
        self.secrets = secrets
        self.baseURL = baseURL
        self.clock = clock
        self.logs = logs
        self.telegram = telegram
        self.application = application
        self.client = client
        self.telegate = telegate
    }

    /// The standard configuration: app `poll` with an HMAC bot and a third-party bot, adapters `convex` (RS256)
    /// and `supabase` (ES256, role claim); app `quiz` with its own bot. With a port, for a live server on it.
    static func standardConfiguration(port: Int?, directory: String) throws -> TelegateConfiguration {
        try TestConfiguration(
            port: port, directory: directory,
            apps: [
                .init(
                    "poll", corsOrigins: ["https://web.telegram.org"],
                    bots: [.init(token: "env:POLL_BOT_TOKEN", label: "prod", isDefault: true), .init(id: 7_342_037_359, environment: "production")],
                    adapters: [
                        .init(
                            "convex", kind: "oidc", isDefault: true,
                            config: [
                                ("audience", .string("convex")), ("algorithm", .string("RS256")), ("idTokenTTL", .integer(3600)), ("accessTokenTTL", .integer(900)),
                                ("refreshTokenTTL", .integer(2_592_000)),
                            ]),
                        .init(
                            "supabase", kind: "oidc",
                            config: [
                                ("audience", .string("authenticated")), ("algorithm", .string("ES256")),
                                ("accessTokenClaims", .object([("role", .string("authenticated"))])),
                            ]),
                    ]),
                .init(
                    "quiz", bots: [.init(token: "env:QUIZ_BOT_TOKEN")],
                    adapters: [.init("convex", kind: "oidc", config: [("audience", .string("convex")), ("algorithm", .string("ES256"))])]),
            ]
        ).configuration()
    }

    /// Starts a service, runs `body` against it, stops it, and checks that no secret reached the logs.
    /// `wallClock`, when given, is read instead of `clock` (`.system` for a browser that lives in real time).
    /// `databaseTime` stands in for the database's clock (by default SQLite's, which is this process's). With
    /// `live`, the service listens on a free port of 127.0.0.1, and requests go over HTTP.
    static func run(
        live: Bool = false, clock: TestClock = TestClock(), wallClock: WallClock? = nil, databaseTime: DatabaseClock.Reading? = nil,
        configure: (inout TelegateConfiguration) -> Void = { _ in },
        registry: AdapterRegistry = BuiltinProviders.registry, _ body: (TestService) async throws -> Void
    ) async throws {
        let port = live ? FreePort.next() : nil
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = try standardConfiguration(port: port, directory: directory)
        configure(&configuration)
        let environment = [
            "TELEGATE_MASTER_KEY": masterKey, "POLL_BOT_TOKEN": pollToken, "QUIZ_BOT_TOKEN": quizToken,
            "POLL_DJANGO_CLIENT_SECRET": djangoClientSecret,
            "POLL_OIDC_CLIENT_SECRET": pollOIDCSecret,
        ]
        let logs = LogCapture()
        let telegram = TelegramLoginStub()
        // Telegram's own provider is stubbed; a configured stand-in (a simulator) is reached over HTTP.
        let application = try await TelegateApplication.prepare(
            configuration: configuration, environment: environment, logger: logs.logger, clock: wallClock ?? clock.wallClock,
            databaseTime: databaseTime,
            telegramKeys: configuration.server.telegramOIDC == .telegram ? telegram.keySet() : nil, registry: registry)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let baseURL = configuration.server.publicURL
        let secrets = SecretCanaries([pollToken, quizToken, masterKey, djangoClientSecret, pollOIDCSecret])
        func service(_ telegate: TelegateClient) -> TestService {
            TestService(
                baseURL: baseURL, clock: clock, logs: logs, telegram: telegram, application: application, client: client,
                telegate: telegate, secrets: secrets)
        }
        if live {
            try await application.serving(closing: client) {
                try await body(service(TelegateClient(client: client, baseURL: baseURL)))
            }
        } else {
            do {
                try await application.inProcess { try await body(service($0)) }
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
        #expect(logs.leaks(of: secrets.all).isEmpty, "a secret reached the logs")
    }

    /// Marks `values` as secrets: the run fails if any of them appears in the logs.
    func rememberSecrets(_ values: [String]) {
        secrets.remember(values)
    }

    // MARK: HTTP

    typealias Reply = HTTPReply

    func request(
        _ method: HTTPMethodName, _ path: String, body: String? = nil, contentType: String? = "application/json",
        headers: [(String, String)] = []
    ) async throws -> Reply {
        let reply = try await telegate.request(method, path, body: body, contentType: contentType, headers: headers)
        if reply.status >= 400 {
            #expect(secrets.found(in: reply.body).isEmpty, "a secret reached an error body")
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
typealias HTTPMethodName = HTTPRequest.Method
