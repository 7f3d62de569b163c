import StrictJSON
import TelegateCore
import Testing

@testable import TelegateSQL
@testable import TelegateSQLite

/// A user's history: the events about one user of one app still in the outbox, newest first, paged by sequence
/// number, through the index `events_by_user`.
@Suite("User history")
struct UserHistoryStoreTests {
    @Test("A user's events come newest first, a page at a time, without other users' or other apps' events",
          arguments: StorageEngine.available)
    func history(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await EventOutboxTests.saveApp(storage, webhooks: [EventOutboxTests.webhook([.userLogin])])
            try await storage.configuration.save(Fixture.app(Fixture.quiz))
            let user = try await storage.users.insertIfAbsent(Fixture.user()).user
            let other = try await storage.users.insertIfAbsent(Fixture.user(telegramID: 42)).user
            _ = try await storage.users.insertIfAbsent(Fixture.user(Fixture.quiz))
            let login = OutboxEvent.userLogin(
                appID: Fixture.poll, userID: user.id, proof: .initData, botID: 7_000_000_001, target: .adapter(Fixture.convex),
                at: Fixture.now + 5)
            #expect(try await storage.events.appendIfSubscribed(login))
            #expect(try await storage.users.setStatus(id: other.id, status: .disabled, at: Fixture.now + 6))
            #expect(try await storage.users.setStatus(id: user.id, status: .disabled, at: Fixture.now + 7))

            let events = storage.events
            let all = try await events.events(appID: Fixture.poll, userID: user.id, before: nil, limit: 10)
            #expect(all.map(\.type) == [.userDisabled, .userLogin, .userCreated])
            #expect(all.allSatisfy { $0.userID == user.id && $0.appID == Fixture.poll })
            #expect(all[1].id == login.id)
            #expect(all[1].data["botId"]?.integerValue == 7_000_000_001)

            let first = try await events.events(appID: Fixture.poll, userID: user.id, before: nil, limit: 2)
            #expect(first.map(\.id) == all.prefix(2).map(\.id))
            let rest = try await events.events(appID: Fixture.poll, userID: user.id, before: first.last?.seq, limit: 2)
            #expect(rest.map(\.id) == [all[2].id])
            #expect(try await events.events(appID: Fixture.quiz, userID: user.id, before: nil, limit: 10).isEmpty)
            #expect(try await events.events(appID: Fixture.poll, userID: other.id, before: nil, limit: 10).map(\.type)
                == [.userDisabled, .userCreated])
        }
    }

    @Test("On SQLite a history page is one range of the index events_by_user, in index order")
    func historyUsesIndex() async throws {
        try await withStorage(.sqlite) { storage in
            let engine = try #require((storage as? SQLiteStorage)?.engine)
            for before in [nil, Int64(100)] {
                let query = SQLEventStore.userEvents(appID: "poll", userID: "usr_x", before: before, limit: 50)
                let plan = try await engine.read("EXPLAIN QUERY PLAN \(query)").compactMap { $0.text(3) }
                #expect(plan.contains { $0.hasPrefix("SEARCH events USING INDEX events_by_user (app_id=? AND user_id=? AND seq<?)") }, "\(plan)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") || $0.hasPrefix("SCAN") }, "\(plan)")
            }
        }
    }
}
