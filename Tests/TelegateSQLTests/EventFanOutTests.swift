import Foundation
import TelegateCore
import Testing

@testable import TelegateSQL
@testable import TelegateSQLite

/// Where the outbox writes deliveries: with the event on PostgreSQL, after the commit by each endpoint's cursor on
/// SQLite. Either way an event is fanned out to the endpoints and subscriptions of its own time, in sequence order.
@Suite("Event fan-out")
struct EventFanOutTests {
    /// The rows of `webhook_deliveries`, read without going through the queue (which would fan out first).
    static func deliveryRows(_ database: any SQLDatabase) async throws -> Int64 {
        try await database.read("SELECT COUNT(*) FROM webhook_deliveries").first?.integer(0) ?? -1
    }

    /// The event ids delivered to `webhook`, in sequence order.
    static func delivered(_ storage: any TelegateStorage, _ webhook: StoredWebhook) async throws -> [EventID] {
        try await EventOutboxTests.deliveries(storage, webhook).map(\.eventID)
    }

    @Test("A first login's transaction writes its event alone on SQLite (with its delivery on PostgreSQL); the first read of the queue has every delivery, in order",
          arguments: StorageEngine.available)
    func afterCommit(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let database = try #require(EventOutboxTests.database(of: storage))
            let hook = EventOutboxTests.webhook([.userCreated])
            try await EventOutboxTests.saveApp(storage, webhooks: [hook])
            _ = try await WebhookDeliveryQueueTests.createUsers(storage, count: 5)

            let events = try await EventOutboxTests.events(storage)
            #expect(events.count == 5)
            #expect(try await Self.deliveryRows(database) == (database.dialect == .sqlite ? 0 : 5))
            #expect(try await Self.delivered(storage, hook) == events.map(\.id))
            #expect(try await Self.deliveryRows(database) == 5)
            if database.dialect == .sqlite {
                let cursor = try await database.read("SELECT fanned_out_seq FROM webhook_endpoints").first?.integer(0)
                #expect(cursor == events.last?.seq)
            }
            // A second read finds nothing new to write.
            #expect(try await Self.delivered(storage, hook) == events.map(\.id))
        }
    }

    @Test("An event goes to the endpoints of its time: a new endpoint gets only what follows it, a disabled one nothing of what happened meanwhile, a changed subscription applies from the change",
          arguments: StorageEngine.available)
    func endpointsOfTheirTime(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            var first = EventOutboxTests.webhook([.userCreated])
            let second = EventOutboxTests.webhook([.userCreated], url: "https://other.example/hooks")
            try await EventOutboxTests.saveApp(storage, webhooks: [first])
            let users = try await WebhookDeliveryQueueTests.createUsers(storage, count: 1, from: 1)
            try await EventOutboxTests.saveApp(storage, webhooks: [first, second])
            _ = try await WebhookDeliveryQueueTests.createUsers(storage, count: 1, from: 2)
            try await storage.webhookDeliveries.setDisabled(
                WebhookDisabling(at: Fixture.now, reason: "admin"), webhook: first.id)
            _ = try await WebhookDeliveryQueueTests.createUsers(storage, count: 1, from: 3)
            try await storage.webhookDeliveries.setDisabled(nil, webhook: first.id)
            _ = try await WebhookDeliveryQueueTests.createUsers(storage, count: 1, from: 4)
            first.events = [.userErased]
            try await EventOutboxTests.saveApp(storage, webhooks: [first, second])
            _ = try await WebhookDeliveryQueueTests.createUsers(storage, count: 1, from: 5)
            #expect(try await storage.users.delete(id: users[0].id, at: Fixture.now))

            let events = try await EventOutboxTests.events(storage).map(\.id)
            try #require(events.count == 6)
            #expect(try await Self.delivered(storage, first) == [events[0], events[1], events[3], events[5]])
            #expect(try await Self.delivered(storage, second) == [events[1], events[2], events[3], events[4]])
        }
    }

    @Test("Pruning fans out first: an old event not yet fanned out is kept with its pending delivery",
          arguments: StorageEngine.available)
    func pruneFansOutFirst(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = EventOutboxTests.webhook([.messageFailed])
            try await EventOutboxTests.saveApp(storage, webhooks: [hook])
            let user = try await storage.users.insertIfAbsent(Fixture.user()).user
            let old = Fixture.now - 40 * EventRetentionTests.day
            #expect(
                try await storage.events.appendIfSubscribed(
                    .messageFailed(appID: Fixture.poll, userID: user.id, messageID: "msg_1", reason: "blocked", at: old)))
            #expect(try await storage.events.pruneSettled(before: Fixture.now - 30 * EventRetentionTests.day, limit: 10) == 0)
            let deliveries = try await EventOutboxTests.deliveries(storage, hook)
            #expect(deliveries.map(\.status) == [.pending])
        }
    }

    @Test("On SQLite the fan-out reads only the new events, one range of their key, in order")
    func fanOutReadsNewEventsOnly() async throws {
        try await withStorage(.sqlite) { storage in
            let engine = try #require((storage as? SQLiteStorage)?.engine)
            let plan = try await engine.read("EXPLAIN QUERY PLAN \(SQLEventOutbox.pastCursors(from: 50, through: 100))")
                .compactMap { $0.text(3) }
            #expect(plan.first == "SEARCH v USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)", "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") || $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }

    @Test("Migrating an SQLite database from version 16 starts each endpoint's cursor at the newest event: nothing is fanned out twice")
    func migrateFromVersion16() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-\(UUID().uuidString)/db.sqlite").path
        let storage = try SQLiteStorage(path: path)
        try await storage.migrate()
        let hook = EventOutboxTests.webhook([.userCreated])
        try await EventOutboxTests.saveApp(storage, webhooks: [hook])
        _ = try await WebhookDeliveryQueueTests.createUsers(storage, count: 3)
        // What version 16 left: every event's deliveries written with it, no cursor, and events indexed by app.
        try await storage.engine.write { session in
            try await SQLEventOutbox.fanOut(in: session)
            try await session.query("ALTER TABLE webhook_endpoints DROP COLUMN fanned_out_seq")
            try await session.query("CREATE INDEX events_by_app ON events (app_id, seq)")
            try await session.query("DELETE FROM schema_migrations WHERE version = 17")
        }
        #expect(try await storage.migrate() == [17])
        let newest = try await storage.engine.read("SELECT MAX(seq) FROM events").first?.integer(0)
        let cursor = try await storage.engine.read("SELECT fanned_out_seq FROM webhook_endpoints").first?.integer(0)
        #expect(cursor == newest)
        #expect(try await storage.engine.read("SELECT name FROM sqlite_master WHERE name = 'events_by_app'").isEmpty)
        #expect(try await EventOutboxTests.deliveries(storage, hook).count == 3)
        _ = try await WebhookDeliveryQueueTests.createUsers(storage, count: 1, from: 9_000)
        #expect(try await EventOutboxTests.deliveries(storage, hook).count == 4)
        try await storage.close()
    }
}
