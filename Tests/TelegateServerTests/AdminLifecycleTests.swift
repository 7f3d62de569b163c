import Foundation
import StrictJSON
import Synchronization
import TelegateAdmin
import TelegateApp
import TelegateCore
import TelegramAuth
import TestSupport
import Testing

/// Admin changes take effect at once, without a restart, and users can be found, disabled and erased.
@Suite("Admin changes without restart")
struct AdminLifecycleTests {
    final class Flag: Sendable {
        private let value = Mutex(false)
        var isSet: Bool { value.withLock { $0 } }
        func set() { value.withLock { $0 = true } }
    }

    static let probeConfig: [(key: String, value: JSONValue)] = [
        ("apiURL", .string("http://127.0.0.1:9/")), ("allowInsecureLoopback", .bool(true)),
    ]

    @Test("An app created through the API exchanges at once; removing its bot and the app takes effect at once")
    func createAndExchange() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let shopToken = "7000000003:AAshopBotSecretValue0123456789abcdefg"
            service.rememberSecrets([shopToken])
            #expect(try await service.admin(.post, "/apps", body: .object([("id", .string("shop"))]), token: token).status == 201)
            #expect(
                try await service.admin(.post, "/apps/shop/bots", body: .object([("token", .string(shopToken))]), token: token)
                    .status == 201)
            let adapter = try await service.admin(
                .post, "/apps/shop/adapters",
                body: .object([
                    ("name", .string("convex")), ("kind", .string("oidc")), ("config", .object([("audience", .string("shop"))])),
                ]), token: token)
            #expect(adapter.status == 201, "\(adapter.body)")
            let reply = try await service.exchange(app: "shop", initData: try service.signedInitData(token: shopToken))
            #expect(reply.status == 200, "\(reply.body)")
            service.rememberSecrets(Credentials(reply).all)
            #expect(try JWT.claims(Credentials(reply).idToken)["aud"]?.stringValue == "shop")
            #expect(try await service.admin(.delete, "/apps/shop/bots/7000000003", token: token).status == 204)
            let noBot = try await service.exchange(app: "shop", initData: try service.signedInitData(token: shopToken))
            #expect(noBot.json["code"]?.stringValue == "bot_not_found")
            #expect(try await service.admin(.delete, "/apps/shop", token: token).status == 204)
            let noApp = try await service.exchange(app: "shop", initData: try service.signedInitData(token: shopToken))
            #expect(noApp.json["code"]?.stringValue == "app_not_found")
        }
    }

    @Test("A config change while exchanges run: none fails, and every exchange started after it uses the new config")
    func changeUnderLoad() async throws {
        try await TestService.run(registry: TestService.adminRegistry) { service in
            let token = try await service.adminToken()
            let added = try await service.admin(
                .post, "/apps/poll/adapters",
                body: .object([
                    ("name", .string("probe")), ("kind", .string("probe")), ("config", .object(Self.probeConfig)),
                    ("secrets", .object([("apiKey", .string("k_probe_1234"))])),
                ]), token: token)
            #expect(added.status == 201)
            let changed = Flag()
            let stop = Flag()
            // Each finished exchange reports whether it started after the change, so the change and the stop wait
            // for exchanges on either side of it, not for a clock.
            let (finished, report) = AsyncStream.makeStream(of: Bool.self)
            let results = try await withThrowingTaskGroup(of: [(after: Bool, status: Int, marker: String?)].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var seen: [(after: Bool, status: Int, marker: String?)] = []
                        while !stop.isSet {
                            let after = changed.isSet
                            let reply = try await service.exchange(initData: try service.signedInitData(), provider: "probe")
                            seen.append((after, reply.status, reply.json["credential"]?["marker"]?.stringValue))
                            report.yield(after)
                        }
                        return seen
                    }
                }
                group.addTask {
                    for await after in finished where !after { break }
                    let patched = try await service.admin(
                        .patch, "/apps/poll/adapters/probe",
                        body: .object([("config", .object(Self.probeConfig + [("marker", .string("two"))]))]), token: token)
                    #expect(patched.status == 200, "\(patched.body)")
                    changed.set()
                    for await after in finished where after { break }
                    stop.set()
                    return []
                }
                var all: [(after: Bool, status: Int, marker: String?)] = []
                for try await part in group { all += part }
                return all
            }
            #expect(results.count > 4)
            #expect(results.allSatisfy { $0.status == 200 })
            #expect(results.filter(\.after).allSatisfy { $0.marker == "two" })
            #expect(results.contains { !$0.after && $0.marker == "one" })
            #expect(results.contains { $0.after })
        }
    }

    @Test("J5: users: found by Telegram id, username and local id; disabled users are refused; unlink and erase")
    func users() async throws {
        try await TestService.run(registry: TestService.adminRegistry) { service in
            let token = try await service.adminToken()
            let probe = try await service.admin(
                .post, "/apps/poll/adapters",
                body: .object([
                    ("name", .string("probe")), ("kind", .string("probe")), ("config", .object(Self.probeConfig)),
                    ("secrets", .object([("apiKey", .string("k_probe_1234"))])),
                ]), token: token)
            #expect(probe.status == 201)
            let first = try await service.exchange(initData: try service.signedInitData())
            service.rememberSecrets(Credentials(first).all)
            let userID = first.json["user"]?["id"]?.stringValue ?? ""
            for query in ["279058397", "@vdkfrost", "VDKFROST", userID] {
                let found = try await service.admin(.get, "/apps/poll/users?q=\(query)", token: token)
                #expect(found.json["items"]?.arrayElements?.compactMap { $0["id"]?.stringValue } == [userID], "\(query)")
            }
            #expect(try await service.admin(.get, "/apps/quiz/users?q=\(userID)", token: token).json["items"] == .array([]))
            let detail = try await service.admin(.get, "/apps/poll/users/\(userID)", token: token)
            #expect(detail.json["telegramId"]?.integerValue == 279_058_397)
            #expect(detail.json["links"] != nil && detail.json["refreshFamilies"] != nil)

            #expect(try await service.admin(.post, "/apps/poll/users/\(userID)/disable", token: token).json["status"] == .string("disabled"))
            let refused = try await service.exchange(initData: try service.signedInitData())
            #expect(refused.status == 403)
            #expect(refused.json["code"]?.stringValue == "user_disabled")
            #expect(try await service.admin(.post, "/apps/poll/users/\(userID)/enable", token: token).json["status"] == .string("active"))
            let again = try await service.exchange(initData: try service.signedInitData())
            #expect(again.status == 200)
            service.rememberSecrets(Credentials(again).all)

            let user = try #require(UserID(rawValue: userID))
            let now = service.clock.now
            for (adapter, external) in [("probe", "ext-probe-1"), ("convex", "ext-convex-1")] {
                _ = try await service.application.services.storage.links.insertIfAbsent(
                    ProviderLink(
                        appID: AppID(rawValue: "poll")!, adapter: AdapterName(rawValue: adapter)!, userID: user, state: .linked,
                        externalID: external, syncedProfileDigest: nil, updatedAt: now))
            }
            #expect(try await service.admin(.delete, "/apps/poll/users/\(userID)/links/convex", token: token).status == 204)
            #expect(try await service.admin(.delete, "/apps/poll/users/\(userID)/links/convex", token: token).status == 404)
            let erased = try await service.admin(.delete, "/apps/poll/users/\(userID)?atProvider=true", token: token)
            #expect(erased.status == 200)
            #expect(
                erased.json["providerDeletions"]
                    == .array([.object([("adapter", .string("probe")), ("outcome", .string("deleted"))])]))
            #expect(ProbeAdapter.deleted.withLock { $0.contains("ext-probe-1") })
            #expect(try await service.admin(.get, "/apps/poll/users/\(userID)", token: token).status == 404)
            let fresh = try await service.exchange(initData: try service.signedInitData())
            service.rememberSecrets(Credentials(fresh).all)
            #expect(fresh.json["user"]?["created"] == .bool(true))
            #expect(fresh.json["user"]?["id"]?.stringValue != userID)
            let audit = try await service.admin(.get, "/audit?app=poll", token: token)
            let actions = audit.json["items"]?.arrayElements?.compactMap { $0["action"]?.stringValue } ?? []
            for action in ["user.disabled", "user.enabled", "user.unlinked", "user.erased"] { #expect(actions.contains(action)) }
        }
    }

    @Test("Ten bots added at once are all kept: concurrent changes to one app are not lost")
    func concurrentChanges() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let tokens = (201...210).map { "7000000\($0):AAconcurrentBotSecret0123456789abcdefg" }
            service.rememberSecrets(tokens)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for bot in tokens {
                    group.addTask {
                        try await service.admin(.post, "/apps/poll/bots", body: .object([("token", .string(bot))]), token: token).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 201, count: 10))
            let bots = try await service.admin(.get, "/apps/poll/bots", token: token)
            #expect(bots.json["items"]?.arrayElements?.count == 12)
        }
    }

    @Test("N2: a spike of proofs that do not hold is one audit event per minute, not one per request")
    func proofFailureSpike() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let forged = try service.signedInitData(token: "7000000001:AAforgedBotSecretValue0123456789abcdef")
            for _ in 0..<25 {
                #expect(try await service.exchange(initData: forged).status == 401)
            }
            let audit = try await service.admin(.get, "/audit?app=poll", token: token)
            let spikes = audit.json["items"]?.arrayElements?.filter { $0["action"] == .string("security.proof_failures_spike") } ?? []
            #expect(spikes.count == 1)
            #expect(spikes.first?["details"]?["failures"]?.integerValue == 20)
        }
    }

    @Test("Keys: public parts listed, rotation promotes the published successor")
    func keys() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let before = try await service.admin(.get, "/apps/poll/keys", token: token)
            let next = before.json["items"]?.arrayElements?.filter { $0["state"] == .string("next") }.compactMap { $0["kid"]?.stringValue } ?? []
            #expect(!next.isEmpty)
            #expect(!before.body.contains("\"d\""))
            let rotated = try await service.admin(.post, "/apps/poll/keys/rotate", body: .object([]), token: token)
            #expect(rotated.status == 200)
            let active = rotated.json["active"]?.arrayElements?.compactMap(\.stringValue) ?? []
            #expect(Set(active) == Set(next))
            let after = try await service.admin(.get, "/apps/poll/keys", token: token)
            #expect(after.json["items"]?.arrayElements?.contains { $0["state"] == .string("retired") && $0["retiresAt"] != nil } == true)
        }
    }

    @Test("Another instance on the same database picks a change up within a few seconds")
    func otherInstance() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try TestService.standardConfiguration(port: FreePort.next(), directory: directory)
        let environment = [
            "TELEGATE_MASTER_KEY": TestService.masterKey, "POLL_BOT_TOKEN": TestService.pollToken,
            "QUIZ_BOT_TOKEN": TestService.quizToken,
        ]
        let logs = LogCapture()
        let first = try await TelegateApplication.prepare(
            configuration: configuration, environment: environment, logger: logs.logger,
            telegramKeys: TelegramLoginStub().keySet())
        let second = try await TelegateApplication.prepare(
            configuration: configuration, environment: environment, logger: logs.logger, applyConfiguration: false,
            telegramKeys: TelegramLoginStub().keySet())
        let polling = Task { await second.reloader.poll(every: .milliseconds(200)) }
        let poll = AppID(rawValue: "poll")!
        #expect(second.runtimes.app(poll)?.settings.initDataMaxAge == 3600)
        _ = try await first.admin.handle(
            .patch, "/apps/poll", body: .object([("initDataMaxAge", .integer(120))]), caller: .local)
        #expect(first.runtimes.app(poll)?.settings.initDataMaxAge == 120)
        var waited = 0
        while second.runtimes.app(poll)?.settings.initDataMaxAge != 120, waited < 100 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(second.runtimes.app(poll)?.settings.initDataMaxAge == 120)
        _ = try await first.admin.handle(.delete, "/apps/quiz", caller: .local)
        waited = 0
        while second.runtimes.app(AppID(rawValue: "quiz")!) != nil, waited < 100 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(second.runtimes.app(AppID(rawValue: "quiz")!) == nil)
        polling.cancel()
        try await first.shutdown()
        try await second.shutdown()
    }
}
