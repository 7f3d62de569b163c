import StrictJSON
import TelegateCore
import Testing

@testable import TelegateSQL

/// Pruning the outbox: only events older than the cutoff whose every delivery is settled (or that have none) go,
/// with their deliveries, oldest first and at most a batch at a time; a pending delivery keeps its event.
@Suite("Event retention")
struct EventRetentionTests {
    static let day: Int64 = 86_400

    /// Sets the delivery of the event `seq` to `webhook` to `status`.
    static func settle(_ database: any SQLDatabase, _ webhook: StoredWebhook, _ seq: Int64?, _ status: String) async throws {
        try await database.write(
            "UPDATE webhook_deliveries SET status = \(status) WHERE endpoint_id = \(webhook.id.rawValue) AND event_seq = \(seq)")
    }

    @Test("Settled events older than the cutoff go with their deliveries, in bounded batches; pending ones stay",
          arguments: StorageEngine.available)
    func pruneSettled(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let database = try #require(EventOutboxTests.database(of: storage))
            let first = EventOutboxTests.webhook([.messageFailed])
            let second = EventOutboxTests.webhook([.messageFailed], url: "https://other.example/hooks")
            try await EventOutboxTests.saveApp(storage, webhooks: [first, second])
            let user = try await storage.users.insertIfAbsent(Fixture.user()).user
            let old = Fixture.now - 40 * Self.day
            // delivered everywhere, dead and delivered, no delivery left, delivered and pending, recent and delivered.
            let reasons = ["delivered", "dead", "none", "pending", "recent"]
            for reason in reasons {
                #expect(
                    try await storage.events.appendIfSubscribed(
                        .messageFailed(
                            appID: Fixture.poll, userID: user.id, messageID: "msg_\(reason)", reason: reason,
                            at: reason == "recent" ? Fixture.now - Self.day : old)))
            }
            try await database.write { try await SQLEventOutbox.fanOut(in: $0) }
            let written = try await EventOutboxTests.events(storage).filter { $0.type == .messageFailed }
            let seq = Dictionary(uniqueKeysWithValues: written.map { ($0.data["reason"]?.stringValue ?? "", $0.seq) })
            for reason in ["delivered", "recent"] {
                try await Self.settle(database, first, seq[reason] ?? nil, "delivered")
                try await Self.settle(database, second, seq[reason] ?? nil, "delivered")
            }
            try await Self.settle(database, first, seq["dead"] ?? nil, "dead")
            try await Self.settle(database, second, seq["dead"] ?? nil, "delivered")
            try await database.write("DELETE FROM webhook_deliveries WHERE event_seq = \(seq["none"] ?? nil)")
            try await Self.settle(database, first, seq["pending"] ?? nil, "delivered")

            let cutoff = Fixture.now - 30 * Self.day
            #expect(try await storage.events.pruneSettled(before: cutoff, limit: 2) == 2)
            #expect(try await storage.events.pruneSettled(before: cutoff, limit: 2) == 1)
            #expect(try await storage.events.pruneSettled(before: cutoff, limit: 2) == 0)

            let kept = try await EventOutboxTests.events(storage)
            #expect(kept.compactMap { $0.data["reason"]?.stringValue } == ["pending", "recent"])
            let keptIDs = Set(kept.map(\.id))
            for webhook in [first, second] {
                let deliveries = try await EventOutboxTests.deliveries(storage, webhook)
                #expect(deliveries.count == 2)
                #expect(deliveries.allSatisfy { keptIDs.contains($0.eventID) })
            }
            #expect(try await EventOutboxTests.deliveries(storage, second).map(\.status) == [.pending, .delivered])
        }
    }
}
