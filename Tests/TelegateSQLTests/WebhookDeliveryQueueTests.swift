import Foundation
import StrictJSON
import TelegateCore
import Testing

@testable import TelegatePostgres
@testable import TelegateSQL
@testable import TelegateSQLite

/// The shared delivery queue on both engines: claims in outbox order, one user's events one at a time per endpoint,
/// leases that lapse, concurrent claimers never sharing a delivery, replays and the listing.
@Suite("Webhook delivery queue")
struct WebhookDeliveryQueueTests {
    static let lease: Int64 = 60

    /// `count` users of `Fixture.poll` created (each appending `user.created` for `hook`).
    static func createUsers(_ storage: any TelegateStorage, count: Int, from first: Int64 = 1_000) async throws -> [UserRecord] {
        var users: [UserRecord] = []
        for index in 0..<Int64(count) {
            users.append(try await storage.users.insertIfAbsent(Fixture.user(telegramID: first + index)).user)
        }
        return users
    }

    @Test("A user's second event waits until the first is settled; other users' events are claimed meanwhile",
          arguments: StorageEngine.available)
    func perUserOrder(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = EventOutboxTests.webhook([.userCreated, .userDisabled])
            try await EventOutboxTests.saveApp(storage, webhooks: [hook])
            let users = try await Self.createUsers(storage, count: 2)
            _ = try await storage.users.setStatus(id: users[0].id, status: .disabled, at: Fixture.now + 1)
            let queue = storage.webhookDeliveries
            let now = Fixture.now + 10

            let first = try await queue.claim(now: now, leaseUntil: now + Self.lease, limit: 10)
            #expect(first.map(\.event.type) == [.userCreated, .userCreated])
            #expect(first.map(\.event.userID) == users.map(\.id))
            #expect(first.allSatisfy { $0.webhook == hook.id && $0.url == hook.url && $0.attempts == 0 })
            #expect(try await queue.claim(now: now, leaseUntil: now + Self.lease, limit: 10).isEmpty)

            // A failed first event still holds the user's next one back until it is settled.
            try await queue.settle([
                WebhookSettlement(
                    delivery: first[0], attempts: 1, result: .retry(status: 500, error: "status 500", nextAttemptAt: now + 5),
                    at: now)
            ])
            #expect(try await queue.claim(now: now + 1, leaseUntil: now + 1 + Self.lease, limit: 10).isEmpty)
            let retried = try await queue.claim(now: now + 5, leaseUntil: now + 5 + Self.lease, limit: 10)
            #expect(retried.map(\.event.seq) == [first[0].event.seq])
            #expect(retried.first?.attempts == 1)
            try await queue.settle([WebhookSettlement(delivery: retried[0], attempts: 2, result: .delivered(status: 204), at: now + 5)])
            let next = try await queue.claim(now: now + 5, leaseUntil: now + 5 + Self.lease, limit: 10)
            #expect(next.map(\.event.type) == [.userDisabled])

            let backlog = try await queue.backlog()
            #expect(backlog.pending == 2)
        }
    }

    @Test("A claim not settled before its lease ends is claimed again (a crashed instance)",
          arguments: StorageEngine.available)
    func leaseLapses(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = EventOutboxTests.webhook([.userCreated])
            try await EventOutboxTests.saveApp(storage, webhooks: [hook])
            _ = try await Self.createUsers(storage, count: 1)
            let queue = storage.webhookDeliveries
            let now = Fixture.now
            #expect(try await queue.claim(now: now, leaseUntil: now + Self.lease, limit: 10).count == 1)
            #expect(try await queue.claim(now: now + Self.lease - 1, leaseUntil: now + 2 * Self.lease, limit: 10).isEmpty)
            #expect(try await queue.claim(now: now + Self.lease + 1, leaseUntil: now + 2 * Self.lease, limit: 10).count == 1)
        }
    }

    @Test("The limit is per endpoint; due retries come before first attempts; a 410 disables the endpoint, whose deliveries then wait",
          arguments: StorageEngine.available)
    func perEndpointClaims(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hooks = [EventOutboxTests.webhook([.userCreated]), EventOutboxTests.webhook([.userCreated])]
            try await EventOutboxTests.saveApp(storage, webhooks: hooks)
            _ = try await Self.createUsers(storage, count: 3)
            let queue = storage.webhookDeliveries
            let now = Fixture.now

            let first = try await queue.claim(now: now, leaseUntil: now + Self.lease, limit: 2)
            #expect(first.count == 4)
            #expect(Dictionary(grouping: first, by: \.webhook).mapValues(\.count) == [hooks[0].id: 2, hooks[1].id: 2])
            let retrying = try #require(first.first { $0.webhook == hooks[0].id })
            try await queue.settle(
                first.map { delivery in
                    delivery == retrying
                        ? WebhookSettlement(
                            delivery: delivery, attempts: 1, result: .retry(status: nil, error: "timeout", nextAttemptAt: now + 5),
                            at: now)
                        : WebhookSettlement(delivery: delivery, attempts: 1, result: .delivered(status: 204), at: now)
                })

            // One delivery per endpoint is left; at now + 5 the retry is due too and goes first.
            let second = try await queue.claim(now: now + 5, leaseUntil: now + 5 + Self.lease, limit: 1)
            #expect(second.count == 2)
            #expect(second.first { $0.webhook == hooks[0].id }?.event.seq == retrying.event.seq)
            #expect(second.first { $0.webhook == hooks[0].id }?.attempts == 1)

            let gone = try #require(second.first { $0.webhook == hooks[1].id })
            try await queue.settle([WebhookSettlement(delivery: gone, attempts: 1, result: .gone, at: now + 5)])
            let app = try #require(try await storage.configuration.app(Fixture.poll))
            #expect(app.webhooks.first { $0.id == hooks[1].id }?.disabled?.at == now + 5)
            #expect(app.webhooks.first { $0.id == hooks[1].id }?.disabled?.reason == "gone")
            let listed = try await queue.deliveries(webhook: hooks[1].id, status: .pending, before: nil, limit: 10)
            #expect(listed.map(\.lastStatus) == [410])
            let third = try await queue.claim(now: now + 200, leaseUntil: now + 200 + Self.lease, limit: 10)
            #expect(Set(third.map(\.webhook)) == [hooks[0].id])
        }
    }

    @Test("An admin disables an endpoint (its deliveries wait, no new one is written) and enables it again",
          arguments: StorageEngine.available)
    func disableAndEnable(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = EventOutboxTests.webhook([.userCreated])
            try await EventOutboxTests.saveApp(storage, webhooks: [hook])
            _ = try await Self.createUsers(storage, count: 1)
            let queue = storage.webhookDeliveries
            let now = Fixture.now

            try await queue.setDisabled(WebhookDisabling(at: now, reason: "admin"), webhook: hook.id)
            let app = try #require(try await storage.configuration.app(Fixture.poll))
            #expect(app.webhooks.first?.disabled == WebhookDisabling(at: now, reason: "admin"))
            #expect(try await queue.claim(now: now, leaseUntil: now + Self.lease, limit: 10).isEmpty)
            _ = try await Self.createUsers(storage, count: 1, from: 2_000)
            let listed = try await queue.deliveries(webhook: hook.id, status: nil, before: nil, limit: 10)
            #expect(listed.count == 1, "nothing new while disabled")

            try await queue.setDisabled(nil, webhook: hook.id)
            #expect(try await storage.configuration.app(Fixture.poll)?.webhooks.first?.disabled == nil)
            #expect(try await queue.claim(now: now, leaseUntil: now + Self.lease, limit: 10).count == 1)
        }
    }

    @Test("On SQLite a claim reads only pending deliveries, through the partial indexes, never the delivered ones")
    func claimUsesPartialIndexes() async throws {
        try await withStorage(.sqlite) { storage in
            let engine = try #require((storage as? SQLiteStorage)?.engine)
            let candidates = [
                ("webhook_deliveries_first_attempts", SQLWebhookDeliveryQueue.firstAttempts(endpoint: "wh", now: 1, limit: 32)),
                ("webhook_deliveries_retries", SQLWebhookDeliveryQueue.dueRetries(endpoint: "wh", now: 1, limit: 32)),
            ]
            for (index, query) in candidates {
                let plan = try await engine.read("EXPLAIN QUERY PLAN \(query)").compactMap { $0.text(3) }
                #expect(plan.contains { $0.hasPrefix("SEARCH d USING INDEX \(index) ") }, "\(plan)")
                #expect(plan.contains { $0.hasPrefix("SEARCH p USING") && $0.contains("INDEX webhook_deliveries_pending_by_user ") }, "\(plan)")
                #expect(!plan.contains { $0.contains("PRIMARY KEY") || $0.hasPrefix("SCAN") }, "\(plan)")
            }
        }
    }

    @Test("Concurrent claimers share 200 deliveries without a duplicate", arguments: StorageEngine.available)
    func concurrentClaims(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = EventOutboxTests.webhook([.userCreated])
            try await EventOutboxTests.saveApp(storage, webhooks: [hook])
            _ = try await Self.createUsers(storage, count: 200)
            let queue = storage.webhookDeliveries
            let now = Fixture.now
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            let batch = try await queue.claim(now: now, leaseUntil: now + Self.lease, limit: 16)
                            if batch.isEmpty { return mine }
                            mine += batch.compactMap(\.event.seq)
                        }
                    }
                }
                var all: [Int64] = []
                for try await part in group { all += part }
                return all
            }
            #expect(claimed.count == 200)
            #expect(Set(claimed).count == 200)
        }
    }

    @Test("Replay makes a delivered or dead delivery pending again; the listing filters by status and pages",
          arguments: StorageEngine.available)
    func replayAndList(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = EventOutboxTests.webhook([.userCreated])
            try await EventOutboxTests.saveApp(storage, webhooks: [hook])
            _ = try await Self.createUsers(storage, count: 3)
            let queue = storage.webhookDeliveries
            let now = Fixture.now
            let due = try await queue.claim(now: now, leaseUntil: now + Self.lease, limit: 10)
            try #require(due.count == 3)
            try await queue.settle([
                WebhookSettlement(delivery: due[0], attempts: 1, result: .delivered(status: 200), at: now),
                WebhookSettlement(delivery: due[1], attempts: 11, result: .dead(status: 500, error: "status 500"), at: now),
            ])

            #expect(try await queue.deliveries(webhook: hook.id, status: .delivered, before: nil, limit: 10).map(\.eventSeq) == [due[0].event.seq])
            let dead = try await queue.deliveries(webhook: hook.id, status: .dead, before: nil, limit: 10)
            #expect(dead.map(\.lastError) == ["status 500"])
            let page = try await queue.deliveries(webhook: hook.id, status: nil, before: nil, limit: 2)
            #expect(page.map(\.eventSeq) == [due[2].event.seq, due[1].event.seq])
            let rest = try await queue.deliveries(webhook: hook.id, status: nil, before: page.last?.eventSeq, limit: 2)
            #expect(rest.map(\.eventSeq) == [due[0].event.seq])

            #expect(try await queue.replay(webhook: hook.id, event: due[1].event.id, now: now + 100))
            #expect(try await queue.replay(webhook: hook.id, since: now - 10, until: now + 10, now: now + 100) == 3)
            #expect(try await queue.deliveries(webhook: hook.id, status: .pending, before: nil, limit: 10).count == 3)
            let again = try await queue.claim(now: now + 100, leaseUntil: now + 100 + Self.lease, limit: 10)
            #expect(again.map(\.event.id) == due.map(\.event.id))
            #expect(again.allSatisfy { $0.attempts == 0 })
            #expect(try await !queue.replay(webhook: hook.id, event: .generate(milliseconds: 1), now: now))
        }
    }
}
