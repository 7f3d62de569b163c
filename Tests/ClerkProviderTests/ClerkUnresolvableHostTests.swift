import Foundation
import HTTPTypes
import StrictJSON
import TelegateAdmin
import TelegateApp
import TelegateCore
import TelegateRuntime
import TelegateTesting
import TelegramAuth
import Testing

/// One provider's DNS never takes Telegate down: a `clerk` adapter whose host does not resolve is accepted, named
/// as unhealthy, and every other app keeps serving.
@Suite("Clerk with an unresolvable host")
struct ClerkUnresolvableHostTests {
    static let pollBotToken = "7100000002:AAcanaryPollBotSecretValue0123456789x"

    @Test("A config whose only clerk adapter points at https://nonexistent.invalid starts, names it, and other apps serve")
    func startsAndServes() async throws {
        let logs = LogCapture()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-dns-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try TestConfiguration(
            directory: directory,
            apps: [
                .init(
                    "poll", bots: [.init(token: "env:POLL_BOT_TOKEN")],
                    adapters: [
                        .init(
                            "clerk", kind: "clerk",
                            config: [("secretKey", .string("env:CLERK_SECRET_KEY")), ("apiURL", .string("https://nonexistent.invalid"))])
                    ]),
                .init(
                    "shop", bots: [.init(token: "env:SHOP_BOT_TOKEN")],
                    adapters: [.init("convex", kind: "oidc", config: [("audience", .string("convex")), ("algorithm", .string("ES256"))])]),
            ]
        ).configuration()
        let application = try await TelegateApplication.prepare(
            configuration: configuration,
            environment: [
                "TELEGATE_MASTER_KEY": ClerkHarness.masterKey, "POLL_BOT_TOKEN": Self.pollBotToken,
                "SHOP_BOT_TOKEN": ClerkHarness.botToken, "CLERK_SECRET_KEY": ClerkHarness.secretKey,
            ],
            logger: logs.logger)
        try await application.inProcess { client in
            func call(_ method: HTTPRequest.Method, _ path: String, body: String? = nil) async throws -> (status: Int, body: String) {
                let reply = try await client.request(method, path, body: body)
                return (reply.status, reply.body)
            }
            #expect(try await call(.get, "/healthz").status == 200)

            // Another app's oidc adapter exchanges normally.
            let initData = try ClerkHarness.initData()
            let exchange = try await call(.post, "/v1/apps/shop/exchange", body: JSONValue.object([("initData", .string(initData))]).serialized)
            #expect(exchange.status == 200)
            #expect((try? JSONValue.parse(exchange.body))?["credential"]?["accessToken"]?.stringValue?.isEmpty == false)

            // The probe (run at start and then periodically; here once more, awaited) names the adapter in /readyz,
            // which stays ready: one provider is not the instance.
            await ReachabilityProbe.probe(application.runtimes, services: application.services)
            let ready = try await call(.get, "/readyz")
            #expect(ready.status == 200)
            let unhealthy = (try? JSONValue.parse(ready.body))?["detail"]?["adapters"]?.arrayElements ?? []
            let entry = try #require(unhealthy.first)
            #expect(entry["app"] == .string("poll"))
            #expect(entry["adapter"] == .string("clerk"))
            #expect(entry["state"] == .string("unresolvable"))
            #expect(entry["message"] == .string("nonexistent.invalid does not resolve"))
            #expect(unhealthy.count == 1)

            // The warning is in the log, naming the adapter and the host.
            let warning = logs.all.first { $0.contains("cannot reach its provider") }
            #expect(warning?.contains("clerk") == true)
            #expect(warning?.contains("nonexistent.invalid does not resolve") == true)

            let metrics = try await call(.get, "/metrics")
            #expect(metrics.body.contains(#"telegate_adapter_healthy{app="poll",adapter="clerk",state="unresolvable"} 0"#))

            // `adapters check` names what is wrong.
            let check = try await application.admin.handle(.post, "/apps/poll/adapters/clerk/check", caller: .local)
            #expect(check.body?["ok"] == .bool(false))
            #expect(check.body?["message"]?.stringValue?.contains("does not resolve") == true)
            #expect(check.body?["reachability"] == .string("unresolvable: nonexistent.invalid does not resolve"))

            // An exchange through the unreachable adapter is a retryable 503, and the server goes on serving.
            let pollExchange = try await call(
                .post, "/v1/apps/poll/exchange",
                body: JSONValue.object([("initData", .string(try InitDataSigner(botToken: BotToken(Self.pollBotToken)).sign(
                    user: ClerkHarness.user, authDate: Int64(Date().timeIntervalSince1970) - 5, queryID: "AAHdF6IQ")))]).serialized)
            #expect(pollExchange.status == 503)
            #expect((try? JSONValue.parse(pollExchange.body))?["code"] == .string("upstream_unavailable"))
            #expect(!pollExchange.body.contains("nonexistent.invalid"), "the host is for admins, not for clients")
            #expect(try await call(.get, "/healthz").status == 200)

            // Saving another such adapter through the admin API is accepted with a warning; an internal one is not.
            let added = try await application.admin.handle(
                .post, "/apps/shop/adapters",
                body: .object([
                    ("name", .string("clerk")), ("kind", .string("clerk")),
                    ("config", .object([("apiURL", .string("https://also-missing.invalid"))])),
                    ("secrets", .object([("secretKey", .string(ClerkHarness.secretKey))])),
                ]), caller: .local)
            #expect(added.body?["warnings"]?.arrayElements?.first?.stringValue?.contains("apiURL: also-missing.invalid does not resolve") == true)
            await #expect {
                try await application.admin.handle(
                    .post, "/apps/shop/adapters",
                    body: .object([
                        ("name", .string("internal")), ("kind", .string("clerk")),
                        ("config", .object([("apiURL", .string("https://[2002:a9fe:a9fe::]"))])),
                        ("secrets", .object([("secretKey", .string(ClerkHarness.secretKey))])),
                    ]), caller: .local)
            } throws: { ($0 as? TelegateError)?.code == .unsafeURL }
        }
        #expect(logs.leaks(of: [ClerkHarness.botToken, Self.pollBotToken, ClerkHarness.secretKey, ClerkHarness.masterKey]).isEmpty)
    }
}
