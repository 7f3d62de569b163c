import Foundation
import StrictJSON
import TelegateAdmin
import TelegateApp
import TelegateCore
@testable import TelegateServer
import TelegramAuth
import TestSupport
import Testing

/// The admin API over real HTTP: who may call what, what a body may contain, what is never returned.
@Suite("Admin API")
struct AdminAPITests {
    /// Every route's path with its parameters filled in.
    static func path(_ route: AdminRoute, app: String = "poll", user: String = "usr_00000000000000000000000000") -> String {
        var path = route.path
        for (name, value) in [("app", app), ("bot", "7000000001"), ("adapter", "convex"), ("user", user), ("token", "adm_none"), ("client", "django")] {
            path = path.replacing("{\(name)}", with: value)
        }
        return path
    }

    /// A body the route accepts in shape, so authorization is what decides.
    static func body(_ route: AdminRoute) -> JSONValue? {
        guard let schema = route.body else { return nil }
        return .object(
            schema.members.filter(\.required).map { member in
                let value: JSONValue =
                    switch member.type {
                    case .object: .object([])
                    case .stringList: .array([.string("x")])
                    case .integer: .integer(0)
                    default: .string("x")
                    }
                return (key: member.name, value: value)
            })
    }

    @Test("K1, K2, P1: without a token or with a wrong one every admin route answers 401 with WWW-Authenticate, and it is audited per client a trusted proxy names")
    func unauthenticated() async throws {
        try await TestService.run(live: true, configure: { $0.server.trustedProxies = ["127.0.0.1"] }) { service in
            var client = 0
            for route in service.application.admin.routes {
                // A different wrong token each time: one token tried from many addresses is throttled by its prefix.
                for authorization in [nil, "Bearer " + Self.wrongToken(), "Basic abc"] {
                    client += 1
                    var headers = [("X-Forwarded-For", "10.1.\(client / 250).\(client % 250)")]
                    if let authorization { headers.append(("Authorization", authorization)) }
                    let reply = try await service.admin(
                        route.method, Self.path(route), body: Self.body(route), token: nil, headers: headers)
                    #expect(reply.status == 401, "\(route.method) \(route.path)")
                    #expect(reply.header("WWW-Authenticate")?.hasPrefix("Bearer realm=\"telegate-admin\"") == true)
                    #expect(reply.json["code"]?.stringValue == "admin_unauthorized")
                }
            }
            let events = try await service.application.services.storage.audit.events(appID: nil, before: nil, limit: 500)
            #expect(events.filter { $0.action == "admin.auth_failed" && $0.outcome == .failure }.count == client)
        }
    }

    /// A wrong token in the shape of a real one, starting with `prefix` (`tga_` and 8 characters) when given.
    static func wrongToken(prefix: String? = nil) -> String {
        let random = (0..<3).map { _ in UUID().uuidString.replacing("-", with: "") }.joined()
        let start = prefix ?? "tga_" + random.prefix(8)
        return start + random.suffix(47 - start.count)
    }

    /// Sends wrong tokens made by `token` (from the address `address` gives each attempt) until one is answered
    /// `429`; returns how many were answered `401` first, and the `429`. Ten failures are allowed at once, then one
    /// per six seconds of the test's clock, which stands still.
    static func failUntilThrottled(
        _ service: TestService, token: () -> String, address: (Int) -> String
    ) async throws -> (failures: Int, throttled: TestService.Reply?) {
        for attempt in 0..<40 {
            let reply = try await service.admin(.get, "/apps", token: token(), headers: [("X-Forwarded-For", address(attempt))])
            guard reply.status == 429 else {
                #expect(reply.status == 401)
                continue
            }
            return (attempt, reply)
        }
        return (40, nil)
    }

    @Test("K13: ten wrong tokens and then the right one from the same address: the right one is let in; wrong ones get 429")
    func validTokenBypassesTheAddressBudget() async throws {
        try await TestService.run(live: true, configure: { $0.server.trustedProxies = ["127.0.0.1"] }) { service in
            let token = try await service.adminToken()
            let (failures, throttled) = try await Self.failUntilThrottled(service, token: { Self.wrongToken() }, address: { _ in "10.9.0.1" })
            #expect(failures == 10)
            let refused = try #require(throttled, "wrong tokens were never throttled")
            #expect(refused.json["code"]?.stringValue == "rate_limited")
            #expect(Int(refused.header("Retry-After") ?? "") ?? 0 >= 1)
            let right = try await service.admin(.get, "/apps", token: token, headers: [("X-Forwarded-For", "10.9.0.1")])
            #expect(right.status == 200, "a valid token was held back by failures from its address")
            let wrongAgain = try await service.admin(.get, "/apps", token: Self.wrongToken(), headers: [("X-Forwarded-For", "10.9.0.1")])
            #expect(wrongAgain.status == 429, "the valid token reset the budget")
            #expect(try await service.admin(.get, "/apps", token: Self.wrongToken(), headers: [("X-Forwarded-For", "10.9.0.2")]).status == 401)
            let events = try await service.application.services.storage.audit.events(appID: nil, before: nil, limit: 500)
            #expect(events.filter { $0.action == "admin.auth_failed" }.count == failures + 1)
            let throttledEvents = events.filter { $0.action == "admin.auth_throttled" }
            #expect(throttledEvents.count == 1, "a throttled client is audited once a minute, not once per attempt")
            #expect(throttledEvents.first?.details["budget"]?.stringValue == "client")
            #expect(throttledEvents.first?.actor == "client:10.9.0.1")
        }
    }

    @Test("K2: a token prefix being guessed is throttled across addresses; other prefixes and the valid token are not")
    func prefixBudgetAcrossAddresses() async throws {
        try await TestService.run(live: true, configure: { $0.server.trustedProxies = ["127.0.0.1"] }) { service in
            let token = try await service.adminToken()
            let prefix = String(token.prefix(AdminTokens.prefixLength))
            let (failures, throttled) = try await Self.failUntilThrottled(
                service, token: { Self.wrongToken(prefix: prefix) }, address: { "10.8.\($0 / 250).\($0 % 250)" })
            #expect(failures >= 10)
            let refused = try #require(throttled, "a prefix guessed from many addresses was never throttled")
            #expect(Int(refused.header("Retry-After") ?? "") ?? 0 >= 1)
            let fresh = [("X-Forwarded-For", "10.8.200.1")]
            #expect(try await service.admin(.get, "/apps", token: Self.wrongToken(prefix: prefix), headers: fresh).status == 429)
            #expect(try await service.admin(.get, "/apps", token: Self.wrongToken(), headers: fresh).status == 401)
            #expect(try await service.admin(.get, "/apps", token: token, headers: fresh).status == 200)
            let events = try await service.application.services.storage.audit.events(appID: nil, before: nil, limit: 500)
            let throttledEvents = events.filter { $0.action == "admin.auth_throttled" }
            #expect(throttledEvents.count == 1)
            #expect(throttledEvents.first?.details["budget"]?.stringValue == "token_prefix")
            #expect(!events.contains { $0.details.serialized.contains(prefix) }, "the audit log holds no part of a token")
        }
    }

    @Test("The admin throttle's tables are bounded, and a flood of new keys does not make it forget a throttled client")
    func throttleMemoryIsBounded() {
        let throttle = AdminAuthThrottle(clock: .fixed(1_790_000_000), capacity: 200)
        for _ in 0..<10 { throttle.recordFailure(client: "attacker", prefix: nil) }
        #expect(throttle.exhausted(client: "attacker", prefix: nil)?.budget == .client)
        for index in 0..<5_000 {
            throttle.recordFailure(client: "10.0.\(index / 250).\(index % 250)", prefix: "prefix-\(index)")
        }
        #expect(throttle.count.clients <= 200)
        #expect(throttle.count.prefixes <= 200)
        #expect(throttle.exhausted(client: "attacker", prefix: nil)?.budget == .client)
    }

    @Test("A read-only token reads but cannot write on any route")
    func readOnly() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken(readOnly: true)
            #expect(try await service.admin(.get, "/apps", token: token).status == 200)
            for route in service.application.admin.routes where route.writes {
                let reply = try await service.admin(route.method, Self.path(route), body: Self.body(route), token: token)
                #expect(reply.status == 403, "\(route.method) \(route.path)")
                #expect(reply.json["reason"]?.stringValue == "read_only_token")
            }
        }
    }

    @Test("K3: a token restricted to one app gets 404 for every route of another app and sees only its own")
    func appScoped() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken(app: "poll")
            for route in service.application.admin.routes where route.path.contains("{app}") {
                let reply = try await service.admin(
                    route.method, Self.path(route, app: "quiz"), body: Self.body(route), token: token)
                #expect(reply.status == 404, "\(route.method) \(route.path)")
                #expect(reply.json["code"]?.stringValue == "app_not_found")
            }
            let apps = try await service.admin(.get, "/apps", token: token)
            #expect(apps.json["items"]?.arrayElements?.compactMap { $0["id"]?.stringValue } == ["poll"])
            #expect(try await service.admin(.get, "/apps/poll", token: token).status == 200)
            #expect(try await service.admin(.get, "/audit?app=quiz", token: token).status == 404)
            let events = try await service.application.services.storage.audit.events(appID: nil, before: nil, limit: 500)
            #expect(events.filter { $0.action == "admin.access_denied" && $0.target == "app:quiz" }.count >= 10)
            let tokens = try await service.admin(.get, "/tokens", token: token)
            #expect(tokens.status == 403)
            #expect(tokens.json["reason"]?.stringValue == "app_scoped_token")
        }
    }

    @Test("K10: unknown and read-only members are refused with 422 on every route that takes a body (no mass assignment)")
    func massAssignment() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            for route in service.application.admin.routes where route.writes {
                var members = Self.body(route)?.objectMembers ?? []
                members.append(("isAdmin", .bool(true)))
                let reply = try await service.admin(route.method, Self.path(route), body: .object(members), token: token)
                #expect(reply.status == 422, "\(route.method) \(route.path)")
                #expect(reply.json["code"]?.stringValue == "invalid_field")
                for field in route.body?.readOnly ?? [] {
                    let readOnly = (Self.body(route)?.objectMembers ?? []) + [(field, .string("x"))]
                    let refused = try await service.admin(
                        route.method, Self.path(route), body: .object(readOnly), token: token)
                    #expect(refused.status == 422, "\(route.path) \(field)")
                    #expect(refused.json["reason"]?.stringValue == "read_only_field")
                }
            }
        }
    }

    @Test("K4, K14: secrets are write-only: bot tokens and adapter secrets come back as fingerprint and last four, never in audit or logs")
    func secretsWriteOnly() async throws {
        try await TestService.run(live: true, registry: TestService.adminRegistry) { service in
            let token = try await service.adminToken()
            let apiKey = "sk_canary_adapter_secret_value_0042"
            let botToken = "7000000009:AAcanaryAdminBotSecretValue01234567x"
            service.rememberSecrets([apiKey, botToken])
            let bot = try await service.admin(
                .post, "/apps/poll/bots", body: .object([("token", .string(botToken)), ("label", .string("dev"))]), token: token)
            #expect(bot.status == 201)
            #expect(bot.json["token"]?["lastFour"]?.stringValue == "567x")
            #expect(bot.json["token"]?["fingerprint"]?.stringValue?.isEmpty == false)
            let adapter = try await service.admin(
                .post, "/apps/poll/adapters",
                body: .object([
                    ("name", .string("probe")), ("kind", .string("probe")),
                    ("config", .object([("apiURL", .string("http://127.0.0.1:9/")), ("allowInsecureLoopback", .bool(true))])),
                    ("secrets", .object([("apiKey", .string(apiKey))])),
                ]), token: token)
            #expect(adapter.status == 201, "\(adapter.body)")
            #expect(adapter.json["config"]?["apiKey"]?["lastFour"]?.stringValue == "0042")
            #expect(adapter.json["config"]?["apiKey"]?["reference"]?.stringValue == "env:TELEGATE_POLL_PROBE_API_KEY")
            var everything = bot.body + adapter.body
            for path in ["/apps", "/apps/poll", "/apps/poll/bots", "/apps/poll/adapters", "/apps/poll/adapters/probe", "/audit"] {
                everything += try await service.admin(.get, path, token: token).body
            }
            everything += try await service.request(.get, "/admin/v1/openapi.json").body
            #expect(!everything.contains(apiKey))
            #expect(!everything.contains(botToken))
            #expect(!everything.contains(String(botToken.split(separator: ":")[1])))
            for bad in ["not-a-token", "123:abc", "abc:AAcanaryAdminBotSecretValue01234567x", "7000000009:AA canary bot secret value 01234"] {
                let malformed = try await service.admin(.post, "/apps/poll/bots", body: .object([("token", .string(bad))]), token: token)
                #expect(malformed.status == 422, "\(bad)")
                #expect(malformed.json["code"]?.stringValue == "invalid_bot_token", "\(bad)")
            }
            let audit = try await service.admin(.get, "/audit", token: token)
            #expect(audit.json["items"]?.arrayElements?.first { $0["action"] == .string("adapter.added") }?["details"]?["client"] == .string("127.0.0.1"))
            // The adapter works with the secret it was given.
            let exchange = try await service.exchange(initData: try service.signedInitData(), provider: "probe")
            #expect(exchange.json["credential"]?["marker"]?.stringValue == "one")
        }
    }

    @Test("M2, K11: provider URLs that reach internal addresses are refused at save time",
        arguments: [
            "http://169.254.169.254/", "http://127.0.0.1:9/", "file:///etc/passwd", "https://2130706433/",
            "https://0x7f000001/", "https://[::ffff:10.0.0.1]/", "https://[::ffff:a9fe:a9fe]/", "https://10.0.0.8/",
        ])
    func ssrf(_ url: String) async throws {
        try await TestService.run(registry: TestService.adminRegistry) { service in
            let token = try await service.adminToken()
            let reply = try await service.admin(
                .post, "/apps/poll/adapters",
                body: .object([
                    ("name", .string("probe")), ("kind", .string("probe")), ("config", .object([("apiURL", .string(url))])),
                    ("secrets", .object([("apiKey", .string("k_1234"))])),
                ]), token: token)
            #expect(reply.status == 422, "\(url)")
            #expect(["unsafe_url", "invalid_config"].contains(reply.json["code"]?.stringValue ?? ""), "\(url)")
        }
    }

    @Test("PATCH changes only the adapter config members given (null removes one), PUT replaces the whole config; secrets stay")
    func adapterMergeAndReplace() async throws {
        try await TestService.run(registry: TestService.adminRegistry) { service in
            let token = try await service.adminToken()
            let apiKey = "k_merge_canary_0123456789"
            service.rememberSecrets([apiKey])
            let added = try await service.admin(
                .post, "/apps/poll/adapters",
                body: .object([
                    ("name", .string("probe")), ("kind", .string("probe")),
                    ("config", .object(AdminLifecycleTests.probeConfig + [("marker", .string("m1"))])),
                    ("secrets", .object([("apiKey", .string(apiKey))])),
                ]), token: token)
            #expect(added.status == 201, "\(added.body)")
            let apiKeyView = added.json["config"]?["apiKey"]

            let patched = try await service.admin(
                .patch, "/apps/poll/adapters/probe", body: .object([("config", .object([("marker", .string("m2"))]))]),
                token: token)
            #expect(patched.status == 200, "\(patched.body)")
            #expect(patched.json["config"]?["marker"] == .string("m2"))
            #expect(patched.json["config"]?["apiURL"] == .string("http://127.0.0.1:9/"))
            #expect(patched.json["config"]?["allowInsecureLoopback"] == .bool(true))
            #expect(patched.json["config"]?["apiKey"] == apiKeyView)

            let replaced = try await service.admin(
                .put, "/apps/poll/adapters/probe", body: .object([("config", .object(AdminLifecycleTests.probeConfig))]),
                token: token)
            #expect(replaced.status == 200, "\(replaced.body)")
            #expect(
                replaced.json["config"]?.objectMembers?.map(\.key).sorted() == ["allowInsecureLoopback", "apiKey", "apiURL"],
                "\(replaced.body)")
            #expect(replaced.json["config"]?["apiKey"] == apiKeyView)

            _ = try await service.admin(
                .patch, "/apps/poll/adapters/probe", body: .object([("config", .object([("marker", .string("m3"))]))]),
                token: token)
            let unset = try await service.admin(
                .patch, "/apps/poll/adapters/probe", body: .object([("config", .object([("marker", .null)]))]), token: token)
            #expect(unset.status == 200, "\(unset.body)")
            #expect(unset.json["config"]?["marker"] == nil)
            #expect(unset.json["config"]?["apiURL"] == .string("http://127.0.0.1:9/"))

            let required = try await service.admin(
                .patch, "/apps/poll/adapters/probe", body: .object([("config", .object([("apiKey", .null)]))]), token: token)
            #expect(required.status == 422, "a required secret field cannot be removed: \(required.body)")
            #expect(required.json["code"]?.stringValue == "invalid_config")

            let incomplete = try await service.admin(.put, "/apps/poll/adapters/probe", body: .object([]), token: token)
            #expect(incomplete.status == 422)
            #expect(incomplete.json["reason"]?.stringValue == "missing_field")

            let document = try await service.request(.get, "/admin/v1/openapi.json").json
            let put = document["paths"]?["/admin/v1/apps/{app}/adapters/{adapter}"]?["put"]
            #expect(put?["operationId"] == .string("replaceAdapter"))
            #expect(put?["requestBody"]?["required"] == .bool(true))
        }
    }

    @Test("The OpenAPI document lists exactly the served routes, each of them answers, and it validates")
    func openAPI() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let document = try await service.request(.get, "/admin/v1/openapi.json").json
            var documented: Set<String> = []
            for path in document["paths"]?.objectMembers ?? [] {
                for operation in path.value.objectMembers ?? [] {
                    documented.insert("\(operation.key.uppercased()) \(path.key)")
                }
            }
            let served = Set(service.application.admin.routes.map { "\($0.method.rawValue) /admin/v1\($0.path)" })
            #expect(documented == served)
            for route in service.application.admin.routes {
                let reply = try await service.admin(route.method, Self.path(route), body: Self.body(route), token: token)
                #expect(!["not_found", "method_not_allowed"].contains(reply.json["code"]?.stringValue ?? ""), "\(route.path)")
                #expect(reply.status != 401 && reply.status < 500, "\(route.method) \(route.path): \(reply.status)")
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-openapi-\(UUID().uuidString).json")
            try Data(document.serialized.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let path = file.path
            let (status, text) = try await ChildProcess.run("/usr/bin/env", ["python3", "-m", "openapi_spec_validator", path])
            #expect(status == 0, "openapi-spec-validator: \(text) — install openapi-spec-validator with pip")
        }
    }

    @Test("K2: tokens: the text is answered once, lists show no secret, a revoked token is refused")
    func tokens() async throws {
        try await TestService.run { service in
            let root = try await service.adminToken(name: "root")
            let created = try await service.admin(.post, "/tokens", body: .object([("name", .string("ci"))]), token: root)
            #expect(created.status == 201)
            let ci = created.json["token"]?.stringValue ?? ""
            service.rememberSecrets([ci])
            #expect(ci.hasPrefix("tga_"))
            let list = try await service.admin(.get, "/tokens", token: ci)
            #expect(!list.body.contains(ci))
            #expect(list.json["items"]?.arrayElements?.count == 2)
            let duplicate = try await service.admin(.post, "/tokens", body: .object([("name", .string("ci"))]), token: root)
            #expect(duplicate.status == 409)
            let id = created.json["id"]?.stringValue ?? ""
            #expect(try await service.admin(.delete, "/tokens/\(id)", token: root).status == 204)
            let refused = try await service.admin(.get, "/apps", token: ci)
            #expect(refused.status == 401)
            #expect(refused.header("WWW-Authenticate")?.contains("invalid_token") == true)
        }
    }
}
