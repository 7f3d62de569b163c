import Foundation
import StrictJSON
import TelegateCore
import Testing

@testable import TelegatePostgres
@testable import TelegateSQL
@testable import TelegateSQLite

/// The shared bot message queue on both engines: all-or-nothing enqueueing with its refusals, the sending bot,
/// claims and leases, the backlog the metrics report, and a refusal for good marking the user unreachable with `message.failed` in one transaction.
@Suite("Bot message queue")
struct BotMessageQueueTests {
    static let lease: Int64 = 60
    static let request = try! BotMessageRequest(.object([("text", .string("A new match request"))]))

    /// `Fixture.poll` with a default token bot and a second one that can send, and one that cannot.
    static func saveApp(_ storage: any TelegateStorage) async throws {
        var app = Fixture.app()
        var sender = Fixture.tokenBot(7_000_000_001, isDefault: true)
        sender.sealedToken = Fixture.sealed()
        var second = Fixture.tokenBot(7_000_000_003, label: "second", isDefault: false)
        second.sealedToken = Fixture.sealed()
        second.api = BotAPIEndpoint(url: "http://127.0.0.1:8081", allowInsecureLoopback: true)
        app.bots = [sender, second, Fixture.thirdPartyBot()]
        try await storage.configuration.save(app)
    }

    @Test("Queued messages are claimed once, sent by the user's last bot, and report their status",
          arguments: StorageEngine.available)
    func queueAndSend(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await Self.saveApp(storage)
            let plain = try await storage.users.insertIfAbsent(Fixture.user(telegramID: 1_001)).user
            let viaSecond = try await storage.users.insertIfAbsent(Fixture.user(telegramID: 1_002)).user
            try await storage.users.recordLogin(
                id: viaSecond.id, UserLogin(at: Fixture.now + 1, proof: .initData, botID: 7_000_000_003), profile: nil)
            let queue = storage.botMessages
            let ids = try await queue.enqueue(
                appID: Fixture.poll, users: [plain.id, viaSecond.id], request: Self.request, now: Fixture.now + 2)
            #expect(ids.count == 2)
            let backlog = try await queue.backlog()
            #expect(backlog.queued == 2)
            #expect(backlog.claimed == 0)
            #expect(backlog.oldestCreatedAt == Fixture.now + 2)

            let now = Fixture.now + 3
            let due = try await queue.claim(now: now, leaseUntil: now + Self.lease, limit: 10)
            #expect(Set(due.map(\.id)) == Set(ids))
            #expect(try await queue.claim(now: now, leaseUntil: now + Self.lease, limit: 10).isEmpty)
            #expect(try await queue.backlog().claimed == 2)
            let byUser = Dictionary(uniqueKeysWithValues: due.map { ($0.userID, $0) })
            #expect(byUser[plain.id]?.botID == 7_000_000_001)
            #expect(byUser[plain.id]?.chatID == 1_001)
            #expect(byUser[viaSecond.id]?.botID == 7_000_000_003)
            #expect(byUser[viaSecond.id]?.api.baseURL == "http://127.0.0.1:8081")
            #expect(byUser[plain.id]?.parameters["text"]?.stringValue == "A new match request")

            try await queue.markSent(due[0], attempts: 1, telegramMessageID: 42, at: now)
            let sent = try await queue.message(appID: Fixture.poll, id: due[0].id)
            #expect(sent?.status == .sent)
            #expect(sent?.telegramMessageID == 42)
            #expect(try await queue.message(appID: Fixture.quiz, id: due[0].id) == nil)

            // A retry waits for its time; a lapsed lease is claimed again.
            try await queue.scheduleRetry(due[1], attempts: 1, error: "status 429", nextAttemptAt: now + 5)
            #expect(try await queue.claim(now: now + 4, leaseUntil: now + 4 + Self.lease, limit: 10).isEmpty)
            let retried = try await queue.claim(now: now + 5, leaseUntil: now + 5 + Self.lease, limit: 10)
            #expect(retried.map(\.id) == [due[1].id])
            #expect(retried.first?.attempts == 1)
            #expect(try await queue.message(appID: Fixture.poll, id: due[1].id)?.status == .queued)
            // The backlog counts what is queued, claimed or waiting for a retry alike; a sent message leaves it, and
            // a recorded attempt ends the claim.
            #expect(try await queue.backlog().queued == 1)
            #expect(try await queue.backlog().claimed == 1)
            try await queue.scheduleRetry(retried[0], attempts: 2, error: "status 429", nextAttemptAt: now + 10)
            #expect(try await queue.backlog().claimed == 0)
        }
    }

    @Test("A refusal for good marks the user unreachable with message.failed; a later send is refused until they log in",
          arguments: StorageEngine.available)
    func unreachable(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await Self.saveApp(storage)
            let user = try await storage.users.insertIfAbsent(Fixture.user(telegramID: 1_001)).user
            let queue = storage.botMessages
            _ = try await queue.enqueue(appID: Fixture.poll, users: [user.id], request: Self.request, now: Fixture.now)
            let due = try await queue.claim(now: Fixture.now, leaseUntil: Fixture.now + Self.lease, limit: 10)
            try #require(due.count == 1)
            try await queue.markFailed(
                due[0], attempts: 1, error: "status 403", reason: "blocked", unreachable: true, at: Fixture.now + 1)

            #expect(try await queue.message(appID: Fixture.poll, id: due[0].id)?.status == .failed)
            let failed = try await EventOutboxTests.events(storage).filter { $0.type == .messageFailed }
            #expect(failed.count == 1)
            #expect(failed.first?.userID == user.id)
            #expect(failed.first?.data["reason"]?.stringValue == "blocked")

            await #expect(throws: TelegateError.self) {
                _ = try await queue.enqueue(appID: Fixture.poll, users: [user.id], request: Self.request, now: Fixture.now + 2)
            }
            try await storage.users.recordLogin(id: user.id, UserLogin(at: Fixture.now + 3, proof: .widget), profile: nil)
            #expect(try await queue.enqueue(appID: Fixture.poll, users: [user.id], request: Self.request, now: Fixture.now + 4).count == 1)
        }
    }

    @Test("A user of another app, an unreachable user or no sending bot queues nothing",
          arguments: StorageEngine.available)
    func refusals(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await Self.saveApp(storage)
            try await storage.configuration.save(Fixture.app(Fixture.quiz))
            let mine = try await storage.users.insertIfAbsent(Fixture.user(telegramID: 1_001)).user
            let theirs = try await storage.users.insertIfAbsent(Fixture.user(Fixture.quiz, telegramID: 1_002)).user
            let queue = storage.botMessages
            let notFound = await #expect(throws: TelegateError.self) {
                _ = try await queue.enqueue(
                    appID: Fixture.poll, users: [mine.id, theirs.id], request: Self.request, now: Fixture.now)
            }
            #expect(notFound?.code == .userNotFound)
            // The quiz app's bots were stored without their tokens.
            let noBot = await #expect(throws: TelegateError.self) {
                _ = try await queue.enqueue(appID: Fixture.quiz, users: [theirs.id], request: Self.request, now: Fixture.now)
            }
            #expect(noBot?.code == .noSendingBot)
            #expect(try await queue.claim(now: Fixture.now, leaseUntil: Fixture.now + Self.lease, limit: 10).isEmpty)
        }
    }
}
