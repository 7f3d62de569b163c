import Foundation
@testable import TelegateApp
import TelegateCore
import TelegateTesting
import TestSupport
import Testing

/// `server.events.retention` end to end: the periodic pruner deletes delivered events once they are older than the
/// retention, by the service's clock, and keeps an event whose delivery is still pending.
@Suite("Event retention pruning")
struct EventRetentionPruningTests {
    @Test("The pruner deletes settled events past server.events.retention and keeps pending ones")
    func prunesSettledEvents() async throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let receiver = WebhookDeliveryTests.Receiver()
        try await LoopbackServer.serving({ receiver.router() }) { base in
            try await TestService.run(clock: clock, configure: { $0.server.events.retention = 3_600 }) { service in
                try await WebhookDeliveryTests.subscribe(service, url: base + "/hooks")
                let storage = service.application.services.storage
                _ = try await service.exchange(initData: service.signedInitData())
                #expect(
                    try await WebhookDeliveryTests.deliver(service) {
                        try await WebhookDeliveryTests.deliveries(service).first?.status == .delivered
                    })
                receiver.answer.withLock { $0 = 503 }
                _ = try await service.exchange(initData: service.signedInitData(user: WebhookDeliveryTests.secondUser))
                #expect(
                    try await WebhookDeliveryTests.deliver(service) {
                        try await WebhookDeliveryTests.deliveries(service).first?.attempts ?? 0 >= 1
                    })
                // The outbox also holds events nobody subscribes to (no delivery): those go too.
                let events = try await storage.events.events(appID: AppSpec.pollID, after: nil, limit: 10)
                #expect(events.filter { $0.type == .userCreated }.count == 2)
                let pending = try #require(try await WebhookDeliveryTests.deliveries(service).first)

                await service.application.pruner.prune()
                #expect(try await storage.events.events(appID: AppSpec.pollID, after: nil, limit: 10) == events)
                clock.advance(3_601)
                await service.application.pruner.prune()
                let kept = try await storage.events.events(appID: AppSpec.pollID, after: nil, limit: 10)
                #expect(kept.map(\.id) == [pending.eventID])
                #expect(try await WebhookDeliveryTests.deliveries(service).map(\.eventID) == [pending.eventID])
                #expect(try await WebhookDeliveryTests.deliveries(service).first?.status == .pending)
            }
        }
    }

    @Test("server.events.retention is an hour to ten years, 30 days unless set")
    func retentionSetting() throws {
        #expect(try ConfigurationFile.parse("server: {port: 8080}").server.events.retention == 2_592_000)
        #expect(try ConfigurationFile.parse("server: {events: {retention: 86400}}").server.events.retention == 86_400)
        for value in ["59", "315360001", "\"30d\""] {
            #expect(throws: ConfigurationError.self) { try ConfigurationFile.parse("server: {events: {retention: \(value)}}") }
        }
    }
}
