import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import StrictJSON
import TelegateAdmin
import TelegateApp
@testable import TelegateCore
import TelegateTesting
import TelegateVerifier
import TelegramAuth
import Testing

/// A live Telegate on a free port of 127.0.0.1 (apps `poll` and `quiz`, an OAuth client `rp` of `poll`), the key relay
/// in front of its issuer metadata, and a hand-moved clock both Telegate and the verifiers read.
final class VerifierRig: Sendable {
    static let pollToken = "7000000001:AAcanaryPollBotSecretValue0123456789x"
    static let quizToken = "7000000002:AAcanaryQuizBotSecretValue0123456789x"
    static let masterKey = "Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE="
    static let clientSecret = "canary-rp-client-secret-0123456789abcdefgh"
    static let redirectURI = "https://rp.example/callback"
    static let user = TelegramUser(id: 279_058_397, firstName: "Ada", lastName: "Lovelace", username: "ada")
    /// A second Telegram user, for what must keep two users apart.
    static let otherUser = TelegramUser(id: 412_983_106, firstName: "Grace", lastName: "Hopper", username: "grace")
    /// The leeway of the rig's verifiers, in seconds (``VerifierOptions``' default).
    static let leeway: Int64 = 30

    let baseURL: String
    let proxyURL: String
    let clock: ManualClock
    let proxy: KeyProxy
    let application: TelegateApplication
    let client: HTTPClient
    let telegate: TelegateClient
    let logs: LogCapture

    private init(
        baseURL: String, proxyURL: String, clock: ManualClock, proxy: KeyProxy, application: TelegateApplication, client: HTTPClient,
        logs: LogCapture
    ) {
        self.baseURL = baseURL
        self.proxyURL = proxyURL
        self.clock = clock
        self.proxy = proxy
        self.application = application
        self.client = client
        self.logs = logs
        telegate = TelegateClient(client: client, baseURL: baseURL)
    }

    /// The issuer of app `poll`.
    var pollIssuer: String { baseURL + "/apps/poll" }
    /// The resource (access tokens' `aud`) of `poll`'s `convex` adapter.
    var pollResource: String { pollIssuer + "/api/convex" }

    /// Runs `body` against a fresh Telegate and relay; checks that no secret or token reached Telegate's logs.
    static func run(_ body: (VerifierRig) async throws -> Void) async throws {
        let port = FreePort.next()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-verifier-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try TestConfiguration(
            port: port, directory: directory,
            apps: [
                .init(
                    "poll", bots: [.init(token: "env:POLL_BOT_TOKEN", isDefault: true)],
                    adapters: [
                        .init(
                            "convex", kind: "oidc", isDefault: true,
                            config: [("audience", .string("convex")), ("algorithm", .string("RS256")), ("idTokenTTL", .integer(3600))]),
                        .init("supabase", kind: "oidc", config: [("audience", .string("authenticated")), ("algorithm", .string("ES256"))]),
                    ],
                    clients: [
                        ClientSpec(id: ClientID(rawValue: "rp")!, secret: try SecretReference("env:POLL_RP_SECRET"), redirectURIs: [redirectURI])
                    ]),
                .init(
                    "quiz", bots: [.init(token: "env:QUIZ_BOT_TOKEN")],
                    adapters: [.init("convex", kind: "oidc", config: [("audience", .string("convex")), ("algorithm", .string("RS256"))])]),
            ]
        ).configuration()
        let environment = [
            "TELEGATE_MASTER_KEY": masterKey, "POLL_BOT_TOKEN": pollToken, "QUIZ_BOT_TOKEN": quizToken, "POLL_RP_SECRET": clientSecret,
        ]
        let logs = LogCapture()
        let clock = ManualClock(TestClock())
        let application = try await TelegateApplication.prepare(
            configuration: configuration, environment: environment, logger: logs.logger, clock: clock.telegate.wallClock)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let baseURL = configuration.server.publicURL
        let proxy = KeyProxy(upstream: baseURL, client: client)
        try await application.serving(closing: client) {
            try await LoopbackServer.serving({ proxy.router() }) { proxyURL in
                try await body(
                    VerifierRig(
                        baseURL: baseURL, proxyURL: proxyURL, clock: clock, proxy: proxy, application: application, client: client, logs: logs))
            }
        }
        #expect(logs.leaks(of: [pollToken, quizToken, masterKey, clientSecret]).isEmpty, "a secret reached the logs")
    }

    /// A verifier of `app`'s tokens for `audience`, fetching keys through the relay and reading the test clock; its
    /// options are then changed by `configure`.
    func verifier(
        app: String = "poll", audience: String = "convex", introspectionClient: IntrospectionClient? = nil,
        issuer: String? = nil, configure: (inout VerifierOptions) -> Void = { _ in }
    ) -> TelegateVerifier {
        var options = VerifierOptions()
        options.leeway = .seconds(Self.leeway)
        options.discoveryURL = URL(string: proxyURL + "/apps/\(app)/discovery")
        options.introspectionClient = introspectionClient
        configure(&options)
        return TelegateVerifier(
            issuer: URL(string: issuer ?? baseURL + "/apps/\(app)")!, audience: audience, options: options, httpClient: client,
            clock: clock.verifierClock, logger: Logger(label: "test.verifier") { _ in SwiftLogNoOpLogHandler() })
    }

    /// The ID and access tokens of an exchange of `user`'s fresh initData at `app`, issued by `provider` (the
    /// default adapter).
    func exchange(
        app: String = "poll", provider: String? = nil, user: TelegramUser = VerifierRig.user
    ) async throws -> (idToken: String, accessToken: String) {
        let token = app == "poll" ? Self.pollToken : Self.quizToken
        let initData = try InitDataSigner(botToken: BotToken(token)).sign(
            user: user, authDate: clock.telegate.now - 5, queryID: "AAHdF6IQ")
        var members: [(key: String, value: JSONValue)] = [("initData", .string(initData))]
        if let provider { members.append(("provider", .string(provider))) }
        let reply = try await telegate.request(.post, "/v1/apps/\(app)/exchange", body: JSONValue.object(members).serialized)
        try #require(reply.status == 200, "\(reply.body)")
        let credential = reply.json["credential"]
        return (
            try #require(credential?["idToken"]?.stringValue), try #require(credential?["accessToken"]?.stringValue)
        )
    }

    /// Rotates `app`'s signing keys through the admin API: the published successor becomes active.
    func rotateKeys(app: String = "poll") async throws {
        _ = try await application.admin.handle(.post, "/apps/\(app)/keys/rotate", body: .object([]), caller: .local)
    }

    /// An access and a refresh token of client `rp` of `poll` (authorization code flow, `offline_access`); the code
    /// is saved as the authorization endpoint would have issued it.
    func codeFlowTokens() async throws -> (accessToken: String, refreshToken: String) {
        let (idToken, _) = try await exchange()
        let subject = try #require(unverifiedPart(idToken)["sub"]?.stringValue)
        let userID = try #require(UserID(rawValue: subject))
        let code = Base64.urlEncode(SecureRandom.bytes(32))
        let now = clock.telegate.now
        try await application.services.storage.authorizationCodes.save(
            AuthorizationCode(
                hash: Array(SHA256.hash(data: Array(code.utf8))), appID: AppID(rawValue: "poll")!,
                clientID: ClientID(rawValue: "rp")!, userID: userID, login: UserLogin(at: now - 3, proof: .initData),
                request: AuthorizedRequest(redirectURI: Self.redirectURI, scopes: ["openid", "profile", "offline_access"]),
                sessionID: nil, expiresAt: now + 60))
        let reply = try await clientPost(
            "/apps/poll/token", ["grant_type": "authorization_code", "code": code, "redirect_uri": Self.redirectURI])
        try #require(reply.status == 200, "\(reply.body)")
        return (try #require(reply.json["access_token"]?.stringValue), try #require(reply.json["refresh_token"]?.stringValue))
    }

    /// `POST path` as client `rp` (HTTP Basic) with the form `fields`.
    func clientPost(_ path: String, _ fields: [String: String]) async throws -> HTTPReply {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        let basic = Data("rp:\(Self.clientSecret)".utf8).base64EncodedString()
        return try await telegate.request(
            .post, path, body: body, contentType: "application/x-www-form-urlencoded", headers: [("Authorization", "Basic " + basic)])
    }
}

/// A token's part `index` (0: header, 1: claims) read without any check, for what a test needs to know about a
/// token it holds.
func unverifiedPart(_ token: String, _ index: Int = 1) throws -> JSONValue {
    let part = token.split(separator: ".", omittingEmptySubsequences: false)[index].utf8
    return try JSONValue.parse(try #require(Base64.decode(part, alphabet: .url, allowPadding: false, canonical: false)))
}
