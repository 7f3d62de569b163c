import Foundation
import LogtoSimulator
import NIOHTTP1
import StrictJSON
import TelegateCore
import TelegateRuntime
import TelegateTesting
import TelegramAuth
import TestSupport

/// The Logto simulator and a Telegate whose app `poll` has Logto adapters pointing at it, with a clock Telegate
/// reads that the test moves.
typealias LogtoHarness = ProviderHarness<LogtoUnderTest>

/// Logto as its suite runs it: access and subject tokens are secrets, and no subject token or Logto body reaches
/// an error body.
enum LogtoUnderTest: IdentityProviderUnderTest {
    typealias Simulator = LogtoSimulator
    typealias IdentityProfile = LogtoIdentityProfile
    static let adapter = "logto"
    static let app = "poll"
    static let credentialSecrets = ["accessToken", "subjectToken"]
    static let errorBodyLeaks = ["sub_"]
    static let user = TelegramUser(
        id: 279_058_397, firstName: "Vladislav", lastName: "Kibenko", username: "vdkfrost", languageCode: "ru",
        isPremium: true, allowsWriteToPM: true, photoURL: "https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg")

    /// The Logto user an access token is for.
    static func accountID(in credential: JSONValue) -> String? {
        credential["accessToken"]?.stringValue.flatMap { try? JWTParts.claims($0)["sub"]?.stringValue }
    }
}

extension LogtoHarness {
    /// Canary secrets: they must never appear in logs or error bodies.
    static var m2mSecret: String { "m2m-telegate-secret" }
    static var exchangeSecret: String { "telegate-exchange-secret" }
    static var sampleUser: TelegramUser { user }

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

    /// The running apps, for reaching an adapter directly.
    var runtimes: RuntimeRegistry { application.runtimes }
    /// Telegate's audit log.
    var audit: any AuditStore { application.services.storage.audit }
    /// Telegate's clock, Unix seconds.
    var now: Int64 { application.services.clock.now }
    /// Moves Telegate's clock.
    func advance(_ seconds: Int64) { clock?.advance(seconds) }

    /// Runs `body` against a fresh simulator and Telegate.
    static func run(simulator: LogtoSimulator = LogtoSimulator(), _ body: (LogtoHarness) async throws -> Void) async throws {
        try await run(
            simulator: simulator, adapters: adapters(endpoint:),
            environment: [
                "LOGTO_M2M_SECRET": m2mSecret, "LOGTO_EXCHANGE_SECRET": exchangeSecret, "LOGTO_NO_EXCHANGE_SECRET": "no-exchange-secret",
            ],
            secrets: [m2mSecret, exchangeSecret], clock: TestClock(Int64(Date().timeIntervalSince1970)), body)
    }

    /// A request to `url` (absolute): Telegate's (under ``baseURL``) or the simulator's; JSON unless `headers` name
    /// a content type.
    func send(_ method: NIOHTTP1.HTTPMethod, _ url: String, body: String? = nil, headers: [(String, String)] = []) async throws -> Reply {
        let contentType = headers.contains(where: { $0.0.lowercased() == "content-type" }) ? nil : "application/json"
        return try await request(method, url, body: body, contentType: contentType, headers: headers)
    }

    /// `POST /v1/apps/poll/exchange` for `user`.
    func exchange(user: TelegramUser, provider: String? = nil, organization: String? = nil) async throws -> Reply {
        try await exchange(user, provider: provider, organization: organization)
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
