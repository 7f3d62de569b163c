import Foundation
import StrictJSON
import TelegateAdmin
import TelegateCore
import Testing

/// `/admin/v1/apps/{app}/webhooks`: webhook endpoints through the admin API. A generated secret is answered once and
/// never again; every refusal stores nothing; the endpoint's subscriptions decide which changes get a delivery.
@Suite("Admin API: webhooks")
struct WebhookAdminTests {
    static let poll = AppID(rawValue: "poll")!
    static let url = "https://site.example/hooks/telegate"

    static func endpoint(_ events: [String], url: String = url, extra: [(key: String, value: JSONValue)] = []) -> JSONValue {
        .object([("url", .string(url)), ("events", .array(events.map(JSONValue.string)))] + extra)
    }

    static func stored(_ service: TestService) async throws -> [StoredWebhook] {
        try await service.application.services.storage.configuration.app(poll)?.webhooks ?? []
    }

    @Test("An endpoint added without a secretReference gets a whsec_ secret, answered once and stored sealed; it is audited")
    func generatedSecret() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let added = try await service.admin(
                .post, "/apps/poll/webhooks", body: Self.endpoint(["user.created", "user.erased"]), token: token)
            #expect(added.status == 201, "\(added.body)")
            let secret = try #require(added.json["secret"]?.stringValue)
            service.rememberSecrets([secret])
            #expect(WebhookSecret.key(of: secret)?.count == 32)
            let id = try #require(added.json["id"]?.stringValue)
            #expect(id.hasPrefix("whk_"))
            #expect(added.json["events"] == .array([.string("user.created"), .string("user.erased")]))

            let stored = try #require(try await Self.stored(service).first)
            #expect(stored.secret.reference == nil)
            #expect(!stored.secret.sealed.contains(secret))
            let opened = try service.application.services.secretBox.openText(
                stored.secret.sealed, context: SealedWebhookSecret.sealingContext(appID: Self.poll, webhook: stored.id))
            #expect(opened == secret)

            var everything = ""
            for path in ["/apps/poll/webhooks", "/apps/poll/webhooks/\(id)", "/audit", "/apps/poll"] {
                let reply = try await service.admin(.get, path, token: token)
                #expect(reply.status == 200, "\(path)")
                everything += reply.body
            }
            #expect(!everything.contains(secret))
            let shown = try await service.admin(.get, "/apps/poll/webhooks/\(id)", token: token)
            #expect(shown.json.objectMembers?.map(\.key) == ["id", "url", "events", "allowInsecureLoopback", "allowPrivateNetworks"])
            let audit = try await service.admin(.get, "/audit", token: token)
            #expect(audit.json["items"]?.arrayElements?.contains { $0["action"] == .string("webhook.added") } == true)
        }
    }

    @Test("Every refused endpoint is a documented error and stores nothing")
    func refusals() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-whsec-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data("whsec_dG9vLXNob3J0\n".utf8).write(to: file)
            let cases: [(JSONValue, String)] = [
                (Self.endpoint(["user.created", "user.teleported"]), "invalid_field"),
                (Self.endpoint(["webhook.test"]), "invalid_field"),
                (Self.endpoint([]), "invalid_field"),
                (Self.endpoint(["user.created", "user.created"]), "invalid_field"),
                (Self.endpoint(["user.created"], url: "http://site.example/hook"), "unsafe_url"),
                (Self.endpoint(["user.created"], url: "http://127.0.0.1:9000/hook"), "unsafe_url"),
                (Self.endpoint(["user.created"], url: "https://user:pass@site.example/hook"), "unsafe_url"),
                (Self.endpoint(["user.created"], url: "https://site.example/hook#part"), "unsafe_url"),
                (Self.endpoint(["user.created"], url: "https://127.0.0.1/hook"), "unsafe_url"),
                (Self.endpoint(["user.created"], url: "https://10.1.2.3/hook"), "unsafe_url"),
                (Self.endpoint(["user.created"], url: "https://169.254.169.254/latest"), "unsafe_url"),
                (Self.endpoint(["user.created"], url: "ftp://site.example/hook"), "unsafe_url"),
                (Self.endpoint(["user.created"], extra: [("secretReference", .string("whsec_literal"))]), "literal_secret"),
                (Self.endpoint(["user.created"], extra: [("secretReference", .string("file:\(file.path)"))]), "invalid_field"),
                (Self.endpoint(["user.created"], extra: [("secret", .string("whsec_x"))]), "invalid_field"),
            ]
            for (body, code) in cases {
                let reply = try await service.admin(.post, "/apps/poll/webhooks", body: body, token: token)
                #expect(reply.status == 422, "\(body.serialized): \(reply.body)")
                #expect(reply.json["code"] == .string(code), "\(body.serialized): \(reply.body)")
            }
            #expect(try await Self.stored(service).isEmpty)
            let missing = try await service.admin(.get, "/apps/poll/webhooks/whk_01JED4ZK5X9W8V7T6S5R4Q3P2N", token: token)
            #expect(missing.status == 404)
            #expect(missing.json["code"] == .string("webhook_not_found"))

            // The flags open what they name, and only that.
            let loopback = try await service.admin(
                .post, "/apps/poll/webhooks",
                body: Self.endpoint(
                    ["user.created"], url: "http://127.0.0.1:9000/hook", extra: [("allowInsecureLoopback", .bool(true))]),
                token: token)
            #expect(loopback.status == 201, "\(loopback.body)")
            service.rememberSecrets([loopback.json["secret"]?.stringValue ?? ""])
            let privateNetwork = try await service.admin(
                .post, "/apps/poll/webhooks",
                body: Self.endpoint(["user.created"], url: "https://10.1.2.3/hook", extra: [("allowPrivateNetworks", .bool(true))]),
                token: token)
            #expect(privateNetwork.status == 201, "\(privateNetwork.body)")
            service.rememberSecrets([privateNetwork.json["secret"]?.stringValue ?? ""])
            #expect(try await Self.stored(service).count == 2)
        }
    }

    @Test("PATCH changes the members given; rotateSecret answers a new secret once and keeps the old one for 24 hours; DELETE removes")
    func updateAndRotate() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let added = try await service.admin(.post, "/apps/poll/webhooks", body: Self.endpoint(["user.created"]), token: token)
            let first = try #require(added.json["secret"]?.stringValue)
            let id = try #require(added.json["id"]?.stringValue)
            let before = try #require(try await Self.stored(service).first)

            let patched = try await service.admin(
                .patch, "/apps/poll/webhooks/\(id)",
                body: .object([("events", .array([.string("user.updated"), .string("user.created")])), ("description", .string("site"))]),
                token: token)
            #expect(patched.status == 200, "\(patched.body)")
            #expect(patched.json["secret"] == nil)
            #expect(patched.json["events"] == .array([.string("user.created"), .string("user.updated")]))
            #expect(try await Self.stored(service).first?.secret == before.secret)

            let bad = try await service.admin(
                .patch, "/apps/poll/webhooks/\(id)", body: .object([("url", .string("https://10.0.0.1/x"))]), token: token)
            #expect(bad.json["code"] == .string("unsafe_url"))
            #expect(try await Self.stored(service).first?.url == Self.url)

            let rotated = try await service.admin(
                .patch, "/apps/poll/webhooks/\(id)", body: .object([("rotateSecret", .bool(true))]), token: token)
            #expect(rotated.status == 200, "\(rotated.body)")
            let second = try #require(rotated.json["secret"]?.stringValue)
            service.rememberSecrets([first, second])
            #expect(first != second)
            #expect(rotated.json["previousSecretExpiresAt"] == .integer(service.clock.now + 86_400))
            let stored = try #require(try await Self.stored(service).first)
            #expect(stored.previousSecret?.sealed == before.secret.sealed)
            let audit = try await service.admin(.get, "/audit", token: token)
            #expect(audit.json["items"]?.arrayElements?.filter { $0["action"] == .string("webhook.updated") }.count == 2)

            let removed = try await service.admin(.delete, "/apps/poll/webhooks/\(id)", token: token)
            #expect(removed.status == 204)
            #expect(try await Self.stored(service).isEmpty)
        }
    }

    @Test("A first login reaches a subscribed endpoint as one user.created delivery; user.login only once subscribed")
    func exchangeEmits() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let added = try await service.admin(.post, "/apps/poll/webhooks", body: Self.endpoint(["user.created"]), token: token)
            service.rememberSecrets([added.json["secret"]?.stringValue ?? ""])
            let id = try #require(added.json["id"]?.stringValue.flatMap(WebhookID.init(rawValue:)))
            let events = service.application.services.storage.events
            let deliveries = service.application.services.storage.webhookDeliveries

            #expect(try await service.exchange(initData: try service.signedInitData()).status == 200)
            #expect(try await service.exchange(initData: try service.signedInitData()).status == 200)
            #expect(try await events.events(appID: Self.poll, after: nil, limit: 10).map(\.type) == [.userCreated])
            #expect(try await deliveries.deliveries(webhook: id, status: nil, before: nil, limit: 10).count == 1)

            let logins = try await service.admin(.post, "/apps/poll/webhooks", body: Self.endpoint(["user.login"]), token: token)
            service.rememberSecrets([logins.json["secret"]?.stringValue ?? ""])
            #expect(try await service.exchange(initData: try service.signedInitData()).status == 200)
            let all = try await events.events(appID: Self.poll, after: nil, limit: 10)
            #expect(all.map(\.type) == [.userCreated, .userLogin])
            #expect(all.last?.data["proof"] == .string("initData"))
            #expect(try await deliveries.deliveries(webhook: id, status: nil, before: nil, limit: 10).count == 1)
        }
    }

    @Test("Unlinking and erasing through the admin API stamp user.unlinked and user.erased with the service's clock")
    func adminChangesUseTheClock() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let added = try await service.admin(
                .post, "/apps/poll/webhooks", body: Self.endpoint(["user.unlinked", "user.erased"]), token: token)
            service.rememberSecrets([added.json["secret"]?.stringValue ?? ""])
            let storage = service.application.services.storage
            #expect(try await service.exchange(initData: try service.signedInitData()).status == 200)
            let user = try #require(try await storage.users.users(appID: Self.poll, username: nil, after: nil, limit: 1).first)
            let convex = try #require(AdapterName(rawValue: "convex"))
            _ = try await storage.links.insertIfAbsent(
                ProviderLink(
                    appID: Self.poll, adapter: convex, userID: user.id, state: .linked, externalID: "acct_1",
                    syncedProfileDigest: nil, updatedAt: service.clock.now))

            service.clock.advance(3_600)
            let unlinked = try await service.admin(.delete, "/apps/poll/users/\(user.id)/links/convex", token: token)
            #expect(unlinked.status == 204, "\(unlinked.body)")
            let unlinkedAt = service.clock.now
            service.clock.advance(86_400)
            let erased = try await service.admin(.delete, "/apps/poll/users/\(user.id)", token: token)
            #expect(erased.status == 200, "\(erased.body)")

            let events = try await storage.events.events(appID: Self.poll, after: nil, limit: 10)
                .filter { [.userUnlinked, .userErased].contains($0.type) }
            #expect(events.map(\.type) == [.userUnlinked, .userErased])
            #expect(events.map(\.occurredAt) == [unlinkedAt, service.clock.now])
        }
    }
}
