import Foundation
import Hummingbird
import ProviderKit
import Synchronization
import TelegateApp
import TelegateCore
import TelegateRuntime
import TelegateTesting
import Testing

/// The dispatcher's bounds on one endpoint, against a receiver that holds each request open until the test releases
/// it: at most ``WebhookDispatcher/Settings/concurrencyPerEndpoint`` requests in flight while more are claimed, and a
/// request that is never answered failing as a timeout and being retried.
@Suite("Webhook dispatch limits")
struct WebhookDispatchLimitsTests {
    /// A receiver that keeps every request open until the test releases it (first come, first released), or answers
    /// at once when not holding; it counts what arrived, what is open and the most ever open together.
    final class HoldingReceiver: Sendable {
        struct State {
            var holding = true
            var arrived: [String] = []
            var held: [CheckedContinuation<Void, Never>] = []
            var open = 0
            var mostOpen = 0
        }

        let state = Mutex(State())

        var arrived: Int { state.withLock { $0.arrived.count } }
        var open: Int { state.withLock { $0.open } }
        var mostOpen: Int { state.withLock { $0.mostOpen } }
        var held: Int { state.withLock { $0.held.count } }

        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.post("/hooks") { [self] request, _ -> Response in
                let id = request.headers[.init("webhook-id")!] ?? ""
                await withCheckedContinuation { continuation in
                    let answerNow = state.withLock { state in
                        state.arrived.append(id)
                        state.open += 1
                        state.mostOpen = max(state.mostOpen, state.open)
                        if state.holding { state.held.append(continuation) }
                        return !state.holding
                    }
                    if answerNow { continuation.resume() }
                }
                state.withLock { $0.open -= 1 }
                return Response(status: .noContent)
            }
            return router
        }

        /// Answers the oldest held request.
        func releaseOne() {
            let continuation = state.withLock { $0.held.isEmpty ? nil : $0.held.removeFirst() }
            continuation?.resume()
        }

        /// Answers every held request, and every later one at once.
        func releaseAll() {
            let continuations = state.withLock { state in
                state.holding = false
                defer { state.held = [] }
                return state.held
            }
            for continuation in continuations { continuation.resume() }
        }
    }

    /// Runs `body` with the `poll` app subscribed to a holding receiver, on a service whose own dispatcher does not
    /// send (the test's dispatcher, with `settings`, is the only sender); every held request is answered at the end.
    static func run(
        settings: WebhookDispatcher.Settings,
        _ body: (TestService, HoldingReceiver, WebhookDispatcher, WebhookMetrics, WebhookID) async throws -> Void
    ) async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let receiver = HoldingReceiver()
        try await LoopbackServer.serving({ receiver.router() }) { base in
            // Answered before the receiver stops, also when the test fails while requests are held.
            defer { receiver.releaseAll() }
            try await TestService.run(clock: clock, configure: { $0.server.webhooks.dispatch = false }) { service in
                try await WebhookDeliveryTests.subscribe(service, url: base + "/hooks")
                let services = service.application.services
                let endpoint = try #require(try await services.storage.configuration.app(AppSpec.pollID)?.webhooks.first)
                let client = OutboundHTTPClient()
                let metrics = WebhookMetrics()
                let dispatcher = WebhookDispatcher(
                    queue: services.storage.webhookDeliveries, client: client, secretBox: services.secretBox,
                    clock: services.clock, audit: services.audit, metrics: metrics, wakeup: WebhookWakeup(),
                    logger: services.logger, settings: settings)
                do {
                    try await body(service, receiver, dispatcher, metrics, endpoint.id)
                } catch {
                    try? await client.shutdown()
                    throw error
                }
                try await client.shutdown()
            }
        }
    }

    /// Queues `count` `webhook.test` events to `endpoint` (no user: none waits behind another).
    static func queueTests(_ count: Int, to endpoint: WebhookID, _ service: TestService) async throws {
        for _ in 0..<count {
            try await service.application.services.storage.webhookDeliveries.appendTest(
                .webhookTest(appID: AppSpec.pollID, webhook: endpoint, at: service.clock.now), to: endpoint)
        }
    }

    @Test("One endpoint never has more than concurrencyPerEndpoint requests in flight: the rest wait, claimed, and each answer lets exactly one more go")
    func boundedConcurrencyPerEndpoint() async throws {
        let settings = WebhookDispatcher.Settings()
        let limit = settings.concurrencyPerEndpoint
        try await Self.run(settings: settings) { service, receiver, dispatcher, _, endpoint in
            try await Self.queueTests(limit + 2, to: endpoint, service)
            let sending = Task { await dispatcher.sendDue() }
            try await waitUntil("\(limit) requests are held") { receiver.held >= limit }
            // Every delivery is claimed by the pass in flight (nothing is left to claim), yet only the limit arrived.
            let storage = service.application.services.storage
            #expect(try await storage.webhookDeliveries.claim(now: service.clock.now, leaseUntil: service.clock.now + 1, limit: 32).isEmpty)
            #expect(receiver.arrived == limit)
            #expect(receiver.open == limit)

            for answered in 1...2 {
                receiver.releaseOne()
                // The answered request's place goes to exactly one waiting delivery.
                try await waitUntil("request \(limit + answered) arrives") { receiver.arrived >= limit + answered }
                try await waitUntil("\(limit) requests are held again") { receiver.held >= limit }
                #expect(receiver.arrived == limit + answered)
                #expect(receiver.open == limit)
            }
            receiver.releaseAll()
            #expect(await sending.value == limit + 2)
            #expect(receiver.mostOpen == limit)
            let deliveries = try await storage.webhookDeliveries.deliveries(webhook: endpoint, status: nil, before: nil, limit: 100)
            #expect(deliveries.count == limit + 2)
            #expect(deliveries.allSatisfy { $0.status == .delivered && $0.attempts == 1 })
        }
    }

    @Test("An attempt cut short by the instance stopping is not recorded; after the lease it is sent again, with the same webhook-id")
    func interruptedAttemptIsNotRecorded() async throws {
        let settings = WebhookDispatcher.Settings()
        try await Self.run(settings: settings) { service, receiver, dispatcher, metrics, endpoint in
            try await Self.queueTests(1, to: endpoint, service)
            let pass = Task { await dispatcher.sendDue() }
            try await waitUntil("the request is held") { receiver.held == 1 }
            // What a stopping instance does to its dispatcher.
            pass.cancel()
            #expect(await pass.value == 1)
            let storage = service.application.services.storage
            let untouched = try #require(
                try await storage.webhookDeliveries.deliveries(webhook: endpoint, status: nil, before: nil, limit: 10).first)
            #expect(untouched.status == .pending)
            #expect(untouched.attempts == 0)
            #expect(untouched.lastError == nil)
            #expect(metrics.render(pending: nil, oldestCreatedAt: nil, now: 0).contains(
                "telegate_webhook_deliveries_total{result=\"retried\"} 0\n"))

            receiver.releaseAll()
            #expect(await dispatcher.sendDue() == 0, "still claimed by the interrupted pass until its lease ends")
            service.clock.advance(settings.lease + 1)
            #expect(await dispatcher.sendDue() == 1)
            let delivered = try #require(
                try await storage.webhookDeliveries.deliveries(webhook: endpoint, status: nil, before: nil, limit: 10).first)
            #expect(delivered.status == .delivered)
            #expect(delivered.attempts == 1)
            #expect(receiver.state.withLock { $0.arrived } == [untouched.eventID.rawValue, untouched.eventID.rawValue])
        }
    }

    @Test("A receiver that never answers: the attempt fails as a timeout after requestTimeout, and the retry is delivered")
    func unansweredRequestTimesOut() async throws {
        var settings = WebhookDispatcher.Settings()
        // A real timer on a real socket, kept short: the test waits it out once.
        settings.requestTimeout = .seconds(1)
        try await Self.run(settings: settings) { service, receiver, dispatcher, metrics, endpoint in
            try await Self.queueTests(1, to: endpoint, service)
            #expect(await dispatcher.sendDue() == 1)
            // The pass ended while the receiver still holds the request: the request's deadline ended it.
            #expect(receiver.held == 1)
            let storage = service.application.services.storage
            let failed = try #require(
                try await storage.webhookDeliveries.deliveries(webhook: endpoint, status: nil, before: nil, limit: 10).first)
            #expect(failed.status == .pending)
            #expect(failed.attempts == 1)
            #expect(failed.lastError == "timeout")
            #expect(failed.lastStatus == nil)
            #expect(metrics.render(pending: nil, oldestCreatedAt: nil, now: 0).contains(
                "telegate_webhook_deliveries_total{result=\"retried\"} 1\n"))

            receiver.releaseAll()
            // The receiver now answers at once; on a starved machine even that answer can outlast the short deadline,
            // and the delivery is then simply retried again, so retries go on until it is delivered.
            var delivered = failed
            for _ in 0..<5 where delivered.status != .delivered {
                service.clock.advance(max(delivered.nextAttemptAt - service.clock.now, 0))
                #expect(await dispatcher.sendDue() == 1)
                delivered = try #require(
                    try await storage.webhookDeliveries.deliveries(
                        webhook: endpoint, status: nil, before: nil, limit: 10
                    ).first)
            }
            #expect(delivered.status == .delivered)
            #expect(delivered.attempts >= 2)
            let arrived = receiver.state.withLock { $0.arrived }
            #expect(arrived.count == delivered.attempts)
            #expect(Set(arrived) == [failed.eventID.rawValue], "every attempt carries the event's webhook-id")
        }
    }
}
