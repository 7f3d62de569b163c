import Foundation
import Hummingbird
import ProviderKit
import StrictJSON
import Synchronization
import TelegateApp
import TelegateRuntime
import TelegateCore
import TelegramAuth
import TelegateTesting
import TestSupport
import Testing

/// The dispatcher against a local receiver: signed deliveries checked by the standardwebhooks package, retries on the
/// retry schedule driven by the test clock, `410 Gone`, and dead letters.
@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    static let secret = "whsec_" + Data(repeating: 11, count: 32).base64EncodedString()

    /// What the receiver got, and the status it answers with.
    final class Receiver: Sendable {
        struct Request: Sendable {
            let headers: [String: String]
            let body: [UInt8]
            /// The status it was answered with.
            let status: Int
        }

        let requests = Mutex<[Request]>([])
        let answer = Mutex(204)

        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.post("/hooks") { [self] request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName] = field.value }
                let status = answer.withLock { $0 }
                requests.withLock { $0.append(Request(headers: headers, body: Array(body.readableBytesView), status: status)) }
                return Response(status: .init(code: status))
            }
            return router
        }
    }

    static let rotated = "whsec_" + Data(repeating: 13, count: 32).base64EncodedString()

    /// Adds (or changes) the `poll` app's endpoint at `url` receiving `events`, signed with `secret`, and applies it.
    static func subscribe(
        _ service: TestService, url: String, events: String = "user.created", secret: String = secret,
        allowInsecureLoopback: Bool = true
    ) async throws {
        service.rememberSecrets([secret])
        var environment = ConfigurationApplyTests.environment
        environment["POLL_WEBHOOK_SECRET"] = secret
        var apps = service.application.configuration.apps
        apps[0].webhooks = try ConfigurationFile.parse(
            """
            apps:
              - id: poll
                webhooks:
                  - url: \(url)
                    secret: env:POLL_WEBHOOK_SECRET
                    events: [\(events)]
                    allowInsecureLoopback: \(allowInsecureLoopback)
            """
        ).apps[0].webhooks
        let applier = ConfigurationApplier(services: service.application.services, environment: environment)
        try await applier.apply(try await applier.plan(apps, prune: false))
        try await service.application.reloader.reload()
    }

    /// Sends what is due (next to the server's own dispatcher, which a first login wakes) until `condition` holds;
    /// `false` when it still does not after a minute (a bound for a starved machine, not a timing).
    static func deliver(_ service: TestService, until condition: () async throws -> Bool) async throws -> Bool {
        try await waitUntil("the deliveries reach the expected state", timeout: 60, interval: 50) {
            if try await condition() { return true }
            await service.application.webhooks.sendDue()
            return try await condition()
        }
    }

    /// Expects each of `lines` (whole lines, with their `\n`) in the `/metrics` text `metrics`.
    static func expect(_ metrics: String, lines: [String]) {
        for line in lines {
            #expect(metrics.contains(line), "\(line) in \(metrics)")
        }
    }

    /// The `poll` app's endpoint's deliveries, newest first.
    static func deliveries(_ service: TestService) async throws -> [WebhookDelivery] {
        let storage = service.application.services.storage
        guard let endpoint = try await storage.configuration.app(AppSpec.pollID)?.webhooks.first else { return [] }
        return try await storage.webhookDeliveries.deliveries(webhook: endpoint.id, status: nil, before: nil, limit: 100)
    }

    @Test(
        "A first login's user.created arrives signed (checked by standardwebhooks) and valid against its schema; a failing receiver is retried until it answers",
        .enabled(if: StandardWebhooksVerifier.isAvailable, "needs python3 with standardwebhooks and jsonschema"))
    func deliveredAndRetried() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let receiver = Receiver()
        try await LoopbackServer.serving({ receiver.router() }) { base in
            try await TestService.run(clock: clock) { service in
                try await Self.subscribe(service, url: base + "/hooks")
                receiver.answer.withLock { $0 = 503 }
                _ = try await service.exchange(initData: service.signedInitData())
                #expect(try await Self.deliver(service) { try await Self.deliveries(service).first?.attempts ?? 0 >= 1 })
                let failed = try #require(try await Self.deliveries(service).first)
                #expect(failed.status == .pending)
                #expect(failed.lastStatus == 503)
                receiver.answer.withLock { $0 = 200 }
                #expect(
                    try await Self.deliver(service) {
                        guard let delivery = try await Self.deliveries(service).first else { return false }
                        if delivery.status == .delivered { return true }
                        // A retry's wait is drawn at random (a retry may already have failed again): the clock moves
                        // to it once it is recorded, when no send is in flight.
                        if delivery.nextAttemptAt > clock.now { clock.advance(delivery.nextAttemptAt - clock.now) }
                        return false
                    })
                // A retry's wait is drawn from zero up, so the failing receiver may have been asked more than once.
                let received = receiver.requests.withLock { $0 }
                #expect(received.count >= 2)
                #expect(try await Self.deliveries(service).first?.attempts == received.count)
                #expect(Set(received.map { $0.headers["webhook-id"] }) == [failed.eventID.rawValue])
                // The admin listing shows the retried delivery as the receiver saw it: delivered after every request.
                let token = try await service.adminToken(app: "poll")
                let endpoint = try #require(
                    try await service.application.services.storage.configuration.app(AppSpec.pollID)?.webhooks.first)
                let retried = try await service.admin(.get, "/apps/poll/webhooks/\(endpoint.id)/deliveries", token: token)
                #expect(retried.status == 200, "\(retried.body)")
                let item = try #require(retried.json["items"]?.arrayElements?.first)
                #expect(item["event"] == .string(failed.eventID.rawValue))
                #expect(item["status"] == .string("delivered"))
                #expect(item["attempts"] == .integer(Int64(received.count)))
                #expect(item["lastStatus"] == .integer(200))

                // The sender counts right after recording the delivery; the server's own dispatcher may still be at it.
                try await waitUntil("the delivery is counted") {
                    try await service.request(.get, "/metrics").body.contains("telegate_webhook_deliveries_total{result=\"delivered\"} 1\n")
                }
                let metrics = try await service.request(.get, "/metrics").body
                #expect(metrics.contains("telegate_webhook_queue_depth 0\n"))
                #expect(metrics.contains("telegate_webhook_oldest_pending_seconds 0\n"))

                // An admin replay (an app-scoped token is enough) sends the same event again, with the same webhook-id.
                let replay = try await service.admin(
                    .post, "/apps/poll/webhooks/\(endpoint.id)/deliveries/\(failed.eventID)/replay", token: token)
                #expect(replay.status == 200, "\(replay.body)")
                let listed = try await service.admin(.get, "/apps/poll/webhooks/\(endpoint.id)/deliveries", token: token)
                #expect(listed.body.contains("\"event\":\"\(failed.eventID)\""), "\(listed.body)")
                #expect(
                    try await Self.deliver(service) {
                        let status = try await Self.deliveries(service).first?.status
                        return status == .delivered && receiver.requests.withLock { $0.count } == received.count + 1
                    })
                #expect(receiver.requests.withLock { $0.last?.headers["webhook-id"] } == failed.eventID.rawValue)
                let unknown = try await service.admin(
                    .post, "/apps/poll/webhooks/\(endpoint.id)/deliveries/evt_01JZZZZZZZZZZZZZZZZZZZZZZZ/replay", token: token)
                #expect(unknown.status == 404)
                #expect(unknown.body.contains("webhook_delivery_not_found"))
                let schema = try String(contentsOf: Self.fixtures.appendingPathComponent("user.created.json"), encoding: .utf8)
                let check = try await StandardWebhooksVerifier.verify(
                    received.map {
                        .init(secret: Self.secret, headers: $0.headers, body: $0.body, now: clock.now, schema: schema)
                    })
                #expect(check.status == 0, "\(check.output)")
            }
        }
    }

    @Test(
        "A hosted login delivers user.created and one user.login naming the proof and the OAuth client, signed and valid against their schemas",
        .enabled(if: StandardWebhooksVerifier.isAvailable, "needs python3 with standardwebhooks and jsonschema"))
    func hostedLogin() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let receiver = Receiver()
        try await LoopbackServer.serving({ receiver.router() }) { base in
            try await TestService.run(clock: clock) { service in
                try await Self.subscribe(service, url: base + "/hooks", events: "user.created, user.login")
                try await service.installClients()
                let browser = AuthorizationBrowser(service)
                #expect(try await AuthorizationEndpointTests.logIn(browser).status == 303)
                // Single sign-on with the browser session is no new login.
                #expect(try await browser.authorize(AuthorizationEndpointTests.request()).status == 303)
                #expect(
                    try await Self.deliver(service) {
                        let deliveries = try await Self.deliveries(service)
                        return deliveries.count == 2 && deliveries.allSatisfy { $0.status == .delivered }
                    })
                let received = receiver.requests.withLock { $0 }
                #expect(received.count == 2)
                let bodies = try received.map { try JSONValue.parse(String(decoding: $0.body, as: UTF8.self)) }
                #expect(bodies.map { $0["type"]?.stringValue } == ["user.created", "user.login"])
                let login = try #require(bodies.last?["data"])
                #expect(login["proof"] == .string("initData"))
                #expect(login["client"] == .string("django"))
                #expect(login["adapter"] == .null)
                #expect(login["user"] == bodies.first?["data"]?["user"])
                let checks = try zip(received, bodies).map { request, body in
                    let type = body["type"]?.stringValue ?? ""
                    let schema = try String(contentsOf: Self.fixtures.appendingPathComponent("\(type).json"), encoding: .utf8)
                    return StandardWebhooksVerifier.Request(
                        secret: Self.secret, headers: request.headers, body: request.body, now: clock.now, schema: schema)
                }
                let check = try await StandardWebhooksVerifier.verify(checks)
                #expect(check.status == 0, "\(check.output)")
            }
        }
    }

    @Test("The receiver down for a while: deliveries are retried, and once it is back every event arrives once, each user's in order")
    func outageThenPerUserOrder() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let receiver = Receiver()
        try await LoopbackServer.serving({ receiver.router() }) { base in
            try await TestService.run(clock: clock) { service in
                try await Self.subscribe(service, url: base + "/hooks", events: "user.created, user.disabled, user.enabled")
                receiver.answer.withLock { $0 = 503 }
                let storage = service.application.services.storage
                _ = try await service.exchange(initData: service.signedInitData())
                _ = try await service.exchange(initData: service.signedInitData(user: Self.secondUser))
                let users = try await storage.users.users(appID: AppSpec.pollID, username: nil, after: nil, limit: 10)
                for user in users {
                    _ = try await storage.users.setStatus(id: user.id, status: .disabled, at: clock.now)
                    _ = try await storage.users.setStatus(id: user.id, status: .active, at: clock.now)
                }
                // Each user's first event fails; the later ones wait behind it.
                #expect(
                    try await Self.deliver(service) {
                        try await Self.deliveries(service).filter { $0.attempts > 0 }.count == 2
                    })
                #expect(try await Self.deliveries(service).filter { $0.attempts > 0 }.map(\.status) == [.pending, .pending])
                // While the receiver is down the queue holds all six, the oldest as old as the clock has moved since.
                clock.advance(2)
                Self.expect(
                    try await service.request(.get, "/metrics").body,
                    lines: [
                        "telegate_webhook_queue_depth 6\n", "telegate_webhook_oldest_pending_seconds 2\n",
                        "telegate_webhook_deliveries_total{result=\"delivered\"} 0\n",
                    ])

                receiver.answer.withLock { $0 = 204 }
                // Past the first retry's wait (at most 5 s), once: moving the clock while a send is in flight would
                // end its claim's lease and let the other sender take the delivery again.
                clock.advance(30)
                try await waitUntil("every delivery is delivered", timeout: 60, interval: 50) {
                    await service.application.webhooks.sendDue()
                    return try await Self.deliveries(service).allSatisfy { $0.status == .delivered }
                }
                let delivered = receiver.requests.withLock { $0 }.filter { $0.status == 204 }.compactMap { $0.headers["webhook-id"] }
                let outbox = try await storage.events.events(appID: AppSpec.pollID, after: nil, limit: 100)
                #expect(delivered.count == outbox.count)
                #expect(Set(delivered) == Set(outbox.map(\.id.rawValue)))
                for user in users {
                    let expected = outbox.filter { $0.userID == user.id }.map(\.id.rawValue)
                    #expect(expected.count == 3)
                    #expect(delivered.filter(expected.contains) == expected)
                }
            }
        }
    }

    @Test("410 Gone disables the endpoint; the last failed attempt dead-letters the delivery, audited")
    func goneAndDead() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let receiver = Receiver()
        try await LoopbackServer.serving({ receiver.router() }) { base in
            try await TestService.run(clock: clock) { service in
                try await Self.subscribe(service, url: base + "/hooks")
                receiver.answer.withLock { $0 = 500 }
                _ = try await service.exchange(initData: service.signedInitData())
                let schedule = WebhookRetrySchedule.standard
                for attempt in 1...schedule.maxAttempts {
                    // The clock moves only once the attempt is recorded and the next is not yet due: then no send is
                    // in flight (a jitter near zero makes a retry due at once), whose claim the move would end.
                    #expect(
                        try await Self.deliver(service) {
                            guard let delivery = try await Self.deliveries(service).first else { return false }
                            return delivery.attempts >= attempt && (delivery.status == .dead || delivery.nextAttemptAt > clock.now)
                        })
                    if attempt <= schedule.steps.count { clock.advance(schedule.steps[attempt - 1]) }
                }
                #expect(try await Self.deliveries(service).first?.status == .dead)
                clock.advance(86_400)
                #expect(await service.application.webhooks.sendDue() == 0)
                #expect(receiver.requests.withLock { $0.count } == schedule.maxAttempts)
                try await waitUntil("the dead letter is audited") {
                    try await service.application.services.storage.audit.events(appID: nil, before: nil, limit: 50)
                        .contains { $0.action == "webhook.dead_lettered" && $0.outcome == .failure }
                }
                // Every attempt but the last was a retry; the dead delivery leaves the queue.
                try await waitUntil("the dead letter is counted") {
                    try await service.request(.get, "/metrics").body.contains("telegate_webhook_deliveries_total{result=\"dead\"} 1\n")
                }
                Self.expect(
                    try await service.request(.get, "/metrics").body,
                    lines: [
                        "telegate_webhook_deliveries_total{result=\"retried\"} \(schedule.maxAttempts - 1)\n",
                        "telegate_webhook_deliveries_total{result=\"delivered\"} 0\n",
                        "telegate_webhook_deliveries_total{result=\"gone\"} 0\n",
                        "telegate_webhook_queue_depth 0\n", "telegate_webhook_oldest_pending_seconds 0\n",
                    ])

                receiver.answer.withLock { $0 = 410 }
                _ = try await service.exchange(initData: service.signedInitData(user: Self.secondUser))
                let storage = service.application.services.storage
                #expect(
                    try await Self.deliver(service) {
                        try await storage.configuration.app(AppSpec.pollID)?.webhooks.first?.disabled?.reason == "gone"
                    })
                let gone = try #require(try await Self.deliveries(service).first)
                #expect(gone.status == .pending)
                #expect(gone.lastStatus == 410)
                clock.advance(3_600)
                #expect(await service.application.webhooks.sendDue() == 0)
                // The sender audits right after disabling; the server's own dispatcher may be the one still doing it.
                try await waitUntil("the endpoint's disabling is audited") {
                    try await storage.audit.events(appID: nil, before: nil, limit: 50).contains { $0.action == "webhook.disabled" }
                }
                // The 410 is counted once; its delivery stays in the queue, as old as the clock has moved since.
                try await waitUntil("the 410 is counted") {
                    try await service.request(.get, "/metrics").body.contains("telegate_webhook_deliveries_total{result=\"gone\"} 1\n")
                }
                Self.expect(
                    try await service.request(.get, "/metrics").body,
                    lines: [
                        "telegate_webhook_deliveries_total{result=\"retried\"} \(schedule.maxAttempts - 1)\n",
                        "telegate_webhook_deliveries_total{result=\"dead\"} 1\n",
                        "telegate_webhook_queue_depth 1\n", "telegate_webhook_oldest_pending_seconds 3600\n",
                    ])
            }
        }
    }

    @Test(
        "Every event type reaches a subscribed endpoint, signed and valid against its schema, one user's events in order; after a rotation both secrets verify",
        .enabled(if: StandardWebhooksVerifier.isAvailable, "needs python3 with standardwebhooks and jsonschema"))
    func everyEventType() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let receiver = Receiver()
        try await LoopbackServer.serving({ receiver.router() }) { base in
            try await TestService.run(clock: clock) { service in
                let all = EventType.subscribable.map(\.rawValue).joined(separator: ", ")
                try await Self.subscribe(service, url: base + "/hooks", events: all)
                let storage = service.application.services.storage

                _ = try await service.exchange(initData: service.signedInitData(age: 10))
                var renamed = TestService.sampleUser
                renamed.firstName = "Vlad"
                _ = try await service.exchange(initData: service.signedInitData(user: renamed, age: 1))
                let user = try #require(try await storage.users.users(appID: AppSpec.pollID, username: nil, after: nil, limit: 1).first)
                let convex = try #require(AdapterName(rawValue: "convex"))
                _ = try await storage.links.insertIfAbsent(
                    ProviderLink(
                        appID: AppSpec.pollID, adapter: convex, userID: user.id, state: .linked, externalID: "acct_1",
                        syncedProfileDigest: nil, updatedAt: clock.now))
                try await storage.links.delete(appID: AppSpec.pollID, adapter: convex, userID: user.id, at: clock.now)
                _ = try await storage.users.setStatus(id: user.id, status: .disabled, at: clock.now)
                _ = try await storage.users.setStatus(id: user.id, status: .active, at: clock.now)
                _ = try await storage.events.appendIfSubscribed(
                    .messageFailed(appID: AppSpec.pollID, userID: user.id, messageID: "msg_1", reason: "blocked", at: clock.now))
                _ = try await storage.users.delete(id: user.id, at: clock.now)
                let endpoint = try #require(try await storage.configuration.app(AppSpec.pollID)?.webhooks.first)
                try await storage.webhookDeliveries.appendTest(
                    .webhookTest(appID: AppSpec.pollID, webhook: endpoint.id, at: clock.now), to: endpoint.id)
                #expect(
                    try await Self.deliver(service) {
                        let deliveries = try await Self.deliveries(service)
                        return deliveries.allSatisfy { $0.status == .delivered }
                            && receiver.requests.withLock { $0.count } == deliveries.count
                    })

                let received = receiver.requests.withLock { $0 }
                let types = try received.map { try #require(JSONValue.parse($0.body)["type"]?.stringValue) }
                #expect(Set(types) == Set(EventType.allCases.map(\.rawValue)))
                let outbox = try await storage.events.events(appID: AppSpec.pollID, after: nil, limit: 100)
                let userEvents = outbox.filter { $0.userID == user.id }.map(\.id.rawValue)
                #expect(received.compactMap { $0.headers["webhook-id"] }.filter(userEvents.contains) == userEvents)
                var checks: [StandardWebhooksVerifier.Request] = []
                for (request, type) in zip(received, types) {
                    let schema = try String(contentsOf: Self.fixtures.appendingPathComponent("\(type).json"), encoding: .utf8)
                    checks.append(.init(secret: Self.secret, headers: request.headers, body: request.body, now: clock.now, schema: schema))
                }
                let check = try await StandardWebhooksVerifier.verify(checks)
                #expect(check.status == 0, "\(check.output)")

                // Rotation: the new secret and the previous one both sign, so receivers holding either accept.
                try await Self.subscribe(service, url: base + "/hooks", events: all, secret: Self.rotated)
                let rotated = try #require(try await storage.configuration.app(AppSpec.pollID)?.webhooks.first)
                try await storage.webhookDeliveries.appendTest(
                    .webhookTest(appID: AppSpec.pollID, webhook: rotated.id, at: clock.now), to: rotated.id)
                #expect(try await Self.deliver(service) { receiver.requests.withLock { $0.count } == received.count + 1 })
                let last = try #require(receiver.requests.withLock { $0.last })
                #expect(last.headers["webhook-signature"]?.split(separator: " ").count == 2)
                let both = try await StandardWebhooksVerifier.verify([
                    .init(secret: Self.secret, headers: last.headers, body: last.body, now: clock.now),
                    .init(secret: Self.rotated, headers: last.headers, body: last.body, now: clock.now),
                ])
                #expect(both.status == 0, "\(both.output)")

                // Once the overlap has passed, only the new secret signs: one signature, refused with the old secret.
                clock.advance(PreviousWebhookSecret.overlap + 1)
                try await storage.webhookDeliveries.appendTest(
                    .webhookTest(appID: AppSpec.pollID, webhook: rotated.id, at: clock.now), to: rotated.id)
                #expect(try await Self.deliver(service) { receiver.requests.withLock { $0.count } == received.count + 2 })
                let expired = try #require(receiver.requests.withLock { $0.last })
                let signatures = expired.headers["webhook-signature"]?.split(separator: " ") ?? []
                #expect(signatures.count == 1)
                #expect(signatures.first?.hasPrefix("v1,") == true)
                let onlyNew = try await StandardWebhooksVerifier.verify([
                    .init(secret: Self.rotated, headers: expired.headers, body: expired.body, now: clock.now)
                ])
                #expect(onlyNew.status == 0, "\(onlyNew.output)")
                let old = try await StandardWebhooksVerifier.verify([
                    .init(secret: Self.secret, headers: expired.headers, body: expired.body, now: clock.now)
                ])
                #expect(old.status != 0)
                #expect(old.output.contains("No matching signature"), "\(old.output)")
            }
        }
    }

    @Test("A host that resolves to an internal address at send time is refused (DNS rebinding): nothing sent, retried later")
    func rebindingRefusedAtSendTime() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        // The server's own dispatcher looks only at start and then once a minute: this test's dispatcher sends.
        try await TestService.run(clock: clock, configure: { $0.server.webhooks.pollInterval = .seconds(60) }) { service in
            // Saved while its host did not resolve; by the time of sending it resolves to the cloud metadata address.
            try await Self.subscribe(service, url: "https://hooks.invalid/hooks", allowInsecureLoopback: false)
            let services = service.application.services
            let saved = try #require(try await services.storage.configuration.app(AppSpec.pollID)?.webhooks.first)
            try await services.storage.webhookDeliveries.appendTest(
                .webhookTest(appID: AppSpec.pollID, webhook: saved.id, at: clock.now), to: saved.id)
            let client = OutboundHTTPClient(resolver: Rebound())
            let dispatcher = WebhookDispatcher(
                queue: services.storage.webhookDeliveries, client: client, secretBox: services.secretBox,
                clock: services.clock, audit: services.audit, metrics: WebhookMetrics(), wakeup: WebhookWakeup(),
                logger: services.logger)
            #expect(await dispatcher.sendDue() == 1)
            try await client.shutdown()
            let endpoint = try #require(try await services.storage.configuration.app(AppSpec.pollID)?.webhooks.first)
            let pending = try await services.storage.webhookDeliveries.deliveries(
                webhook: endpoint.id, status: .pending, before: nil, limit: 10)
            #expect(pending.map(\.attempts) == [1])
            #expect(pending.first?.lastError?.hasPrefix("refused by the outbound URL policy") == true)
            #expect(pending.first?.lastStatus == nil)
        }
    }

    /// Answers every host with 169.254.169.254, which no setting permits.
    struct Rebound: HostResolver {
        func addresses(of host: String) async -> [IPAddress] { [IPAddress(literal: "169.254.169.254")!] }
    }

    static let secondUser = TelegramUser(id: 777_001, firstName: "Second")

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("TelegateSQLTests/Fixtures/events")
}
