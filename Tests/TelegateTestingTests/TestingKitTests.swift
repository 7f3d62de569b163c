import AsyncHTTPClient
import Foundation
import NIOCore
import OIDCProvider
import StrictJSON
import TelegateApp
import ProviderKit
import TelegateCore
import TelegateRuntime
import TelegateTesting
import TelegramAuth
import Testing

/// The testing kit as a provider author uses it: a typed configuration, Telegate in process, the fake adapter and
/// the fake upstream.
@Suite("Testing kit")
struct TestingKitTests {
    static let botToken = "7000000001:AAcanaryKitBotSecretValue0123456789xy"
    static let masterKey = "Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE="

    /// Runs `body` against an in-process Telegate whose app `kit` has a `fake` adapter answered by `provider`.
    func withTelegate(_ provider: FakeProvider, _ body: (TelegateClient) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-kit-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try TestConfiguration(
            directory: directory,
            apps: [
                .init(
                    "kit", bots: [.init(token: "env:KIT_BOT_TOKEN", isDefault: true)],
                    adapters: [.init("fake", kind: FakeAdapter.kind, isDefault: true, config: provider.adapterConfig)])
            ]
        ).configuration()
        let logs = LogCapture()
        let application = try await TelegateApplication.prepare(
            configuration: configuration, environment: ["TELEGATE_MASTER_KEY": Self.masterKey, "KIT_BOT_TOKEN": Self.botToken],
            logger: logs.logger, registry: AdapterRegistry([OIDCAdapter.self, FakeAdapter.self]))
        try await application.inProcess(body)
        #expect(logs.leaks(of: [Self.botToken, Self.masterKey]).isEmpty, "a secret reached the logs")
    }

    func exchangeBody(telegramID: Int64) throws -> String {
        let initData = try InitDataSigner(botToken: BotToken(Self.botToken)).sign(
            user: TelegramUser(id: telegramID, firstName: "Ada"), authDate: Int64(Date().timeIntervalSince1970) - 5, queryID: "AAHdF6IQ")
        return JSONValue.object([("initData", .string(initData))]).serialized
    }

    @Test("A typed configuration reads back through the configuration file's parser")
    func configuration() throws {
        let configuration = try TestConfiguration(
            directory: "/tmp/kit",
            apps: [
                .init(
                    "kit", corsOrigins: ["https://web.telegram.org"], bots: [.init(token: "env:KIT_BOT_TOKEN", isDefault: true)],
                    adapters: [.init("convex", kind: "oidc", config: [("audience", .string("convex"))])])
            ]
        ).configuration()
        #expect(configuration.server.publicURL == "http://telegate.test")
        #expect(configuration.databaseURL == "sqlite:///tmp/kit/telegate.sqlite")
        #expect(configuration.apps.count == 1)
    }

    @Test("The fake adapter records each exchange and hands out its credential, in process")
    func fakeAdapter() async throws {
        let provider = FakeProvider(answer: .credential(type: "fake", members: [("token", .string("t-1"))]))
        defer { provider.unregister() }
        try await withTelegate(provider) { client in
            let reply = try await client.request(.post, "/v1/apps/kit/exchange", body: try exchangeBody(telegramID: 42))
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.json["credential"]?["type"] == .string("fake"))
            #expect(reply.json["credential"]?["token"] == .string("t-1"))
            #expect(provider.calls.map(\.user.telegramID) == [42])
            #expect(provider.calls.first?.created == true)
            #expect(reply.json["credential"]?["user"]?.stringValue == provider.calls.first?.user.id.rawValue)
        }
    }

    @Test("A failure the fake adapter is told to throw reaches the client as problem+json, with the reply helper's code")
    func fakeAdapterFailure() async throws {
        let provider = FakeProvider(answer: .failure(TelegateError(.upstreamUnavailable, "the fake provider is down")))
        defer { provider.unregister() }
        try await withTelegate(provider) { client in
            let reply = try await client.request(.post, "/v1/apps/kit/exchange", body: try exchangeBody(telegramID: 7))
            #expect(reply.status == 503)
            #expect(reply.code == "upstream_unavailable")
            #expect(reply.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            #expect(provider.calls.count == 1)
        }
    }

    @Test("The fake upstream answers what is stubbed through Telegate's outbound client, and records what it was sent")
    func fakeUpstream() async throws {
        let upstream = FakeUpstream()
        upstream.stub(.post, "/v1/users", .init(status: .created, body: #"{"id":"user_1"}"#))
        let client = OutboundHTTPClient()
        do {
            try await upstream.serving { (url: String) -> Void in
                var request = HTTPClientRequest(url: url + "/v1/users?x=1")
                request.method = .POST
                request.body = .bytes(ByteBuffer(string: #"{"name":"Ada"}"#))
                let response = try await client.execute(
                    request, policy: OutboundURLPolicy(allowInsecureLoopback: true), deadline: .now() + .seconds(120),
                    maxBodyBytes: 1 << 16)
                #expect(response.status.code == 201)
                var missing = HTTPClientRequest(url: url + "/v1/other")
                missing.method = .GET
                let notFound = try await client.execute(
                    missing, policy: OutboundURLPolicy(allowInsecureLoopback: true), deadline: .now() + .seconds(120),
                    maxBodyBytes: 1 << 16)
                #expect(notFound.status.code == 404)
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        #expect(upstream.received.map(\.path) == ["/v1/users?x=1", "/v1/other"])
        #expect(upstream.received.first?.body == #"{"name":"Ada"}"#)
    }
}
