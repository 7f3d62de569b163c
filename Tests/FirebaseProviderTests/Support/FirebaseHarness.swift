import AsyncHTTPClient
import FirebaseSimulator
import Foundation
import HTTPTypes
import Logging
import StrictJSON
import TelegateApp
import TelegateCore
import TelegateTesting
import TelegramAuth
import Synchronization
import Testing

/// A Firebase simulator on a loopback port and a Telegate, called in process, whose app `shop` has a `firebase`
/// adapter configured with the simulator's service account. Telegate is given no address of the simulator (minting
/// is local) unless `syncProfile` is on, which points the token and API URLs at it. Canary secrets, the private key
/// and the custom tokens must never reach logs or error bodies.
final class FirebaseHarness: Sendable {
    static let botToken = "7100000001:AAcanaryShopBotSecretValue0123456789x"
    static let masterKey = "Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE="
    static let user = TelegramUser(
        id: 279_058_397, firstName: "Vladislav", lastName: "Kibenko", username: "vdkfrost", languageCode: "ru",
        photoURL: "https://t.me/i/userpic/320/sample.svg")

    let simulator: FirebaseSimulator
    let simulatorURL: String
    let application: TelegateApplication
    let logs: LogCapture
    private let telegate: TelegateClient
    private let client: HTTPClient
    private let issued = LockedList()

    private init(
        simulator: FirebaseSimulator, simulatorURL: String, application: TelegateApplication, logs: LogCapture,
        telegate: TelegateClient, client: HTTPClient
    ) {
        self.simulator = simulator
        self.simulatorURL = simulatorURL
        self.application = application
        self.logs = logs
        self.telegate = telegate
        self.client = client
    }

    /// Runs `body` against a fresh simulator and Telegate; `adapterConfig` adds members to the firebase adapter's
    /// config, and `syncProfile` turns profile sync on against the simulator.
    static func run(
        adapterConfig: [(key: String, value: JSONValue)] = [], syncProfile: Bool = false, _ body: (FirebaseHarness) async throws -> Void
    ) async throws {
        let simulator = try FirebaseSimulator(settings: FirebaseProjectSettings(tenants: ["shop-tenant-x1y2z"]))
        let logs = LogCapture()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-firebase-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var issuedTokens: [String] = []
        do {
            try await simulator.serving { simulatorURL in
                let sync: [(key: String, value: JSONValue)] =
                    syncProfile
                    ? [
                        ("syncProfile", .bool(true)), ("tokenURL", .string(simulatorURL + "/token")), ("apiURL", .string(simulatorURL)),
                        ("allowInsecureLoopback", .bool(true)),
                    ] : []
                let configuration = try TestConfiguration(
                    directory: directory,
                    apps: [
                        .init(
                            "shop", bots: [.init(token: "env:SHOP_BOT_TOKEN", isDefault: true)],
                            adapters: [
                                .init(
                                    "firebase", kind: "firebase", isDefault: true,
                                    config: [("serviceAccount", .string("env:FIREBASE_SERVICE_ACCOUNT"))] + adapterConfig + sync)
                            ])
                    ]
                ).configuration()
                let application = try await TelegateApplication.prepare(
                    configuration: configuration,
                    environment: [
                        "TELEGATE_MASTER_KEY": masterKey, "SHOP_BOT_TOKEN": botToken,
                        "FIREBASE_SERVICE_ACCOUNT": simulator.serviceAccountJSON,
                    ],
                    logger: logs.logger)
                try await application.inProcess { telegate in
                    let harness = FirebaseHarness(
                        simulator: simulator, simulatorURL: simulatorURL, application: application, logs: logs, telegate: telegate,
                        client: client)
                    try await body(harness)
                    issuedTokens = harness.issued.all
                }
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        let keyLines = simulator.serviceAccountJSON.components(separatedBy: "\\n").filter { $0.count > 40 }
        #expect(!keyLines.isEmpty)
        #expect(logs.leaks(of: [botToken, masterKey] + keyLines).isEmpty, "a secret reached the logs")
        #expect(logs.leaks(of: issuedTokens).isEmpty, "a custom token reached the logs")
    }

    /// `POST /v1/apps/shop/exchange` for `user`, signed at Telegate's time; custom tokens it returns are remembered
    /// for the log check.
    func exchange(_ user: TelegramUser = FirebaseHarness.user) async throws -> HTTPReply {
        let initData = try InitDataSigner(botToken: BotToken(Self.botToken)).sign(
            user: user, authDate: application.services.clock.now - 5, queryID: "AAHdF6IQ")
        let reply = try await telegate.request(
            .post, "/v1/apps/shop/exchange", body: JSONValue.object([("initData", .string(initData))]).serialized)
        if let token = reply.json["credential"]?["customToken"]?.stringValue { issued.append(token) }
        return reply
    }

    /// The link Telegate keeps for local user `userID` with the firebase adapter, if any.
    func link(_ userID: String) async throws -> ProviderLink? {
        try await application.services.storage.links.link(
            appID: AppID(rawValue: "shop")!, adapter: AdapterName(rawValue: "firebase")!, userID: try #require(UserID(rawValue: userID)))
    }

    /// Waits until `condition` holds, checking every few milliseconds for at most 20 seconds; records an issue naming
    /// `what` if it never does.
    func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<2000 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting until \(what)")
    }

    /// A call to the simulator: `path` with the project's Web API key.
    func simulatorRequest(_ path: String, body: String, contentType: String = "application/json", key: String? = nil)
        async throws -> HTTPReply
    {
        let key = key ?? simulator.settings.apiKey
        return try await TelegateClient(client: client, baseURL: simulatorURL).request(
            .post, path + "?key=" + key, body: body, contentType: contentType)
    }

    /// A client of the simulator.
    var simulatorClient: TelegateClient { TelegateClient(client: client, baseURL: simulatorURL) }

    /// The CORS preflight a browser on `origin` sends before a Firebase SDK call to `path`.
    func simulatorPreflight(_ path: String, origin: String) async throws -> HTTPReply {
        try await TelegateClient(client: client, baseURL: simulatorURL).request(
            .options, path,
            headers: [
                ("Origin", origin), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type,x-client-version"),
            ])
    }

    /// `accounts:signInWithCustomToken` with `token`.
    func signIn(_ token: String, tenantID: String? = nil) async throws -> HTTPReply {
        var members: [(key: String, value: JSONValue)] = [("token", .string(token)), ("returnSecureToken", .bool(true))]
        if let tenantID { members.append(("tenantId", .string(tenantID))) }
        return try await simulatorRequest("/v1/accounts:signInWithCustomToken", body: JSONValue.object(members).serialized)
    }

    /// The secure-token refresh with `refreshToken`.
    func refresh(_ refreshToken: String) async throws -> HTTPReply {
        try await simulatorRequest(
            "/v1/token", body: "grant_type=refresh_token&refresh_token=" + refreshToken,
            contentType: "application/x-www-form-urlencoded")
    }
}

/// Strings collected across tasks.
final class LockedList: Sendable {
    private let items = Mutex<[String]>([])
    func append(_ item: String) { items.withLock { $0.append(item) } }
    var all: [String] { items.withLock { $0 } }
}
