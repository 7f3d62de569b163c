import TelegateCore
import Testing

@Suite("Provider link store")
struct ProviderLinkStoreTests {
    @Test("insertIfAbsent inserts a link once and afterwards returns the stored link", arguments: StorageEngine.available)
    func insertOnce(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let creating = Fixture.creatingLink(user)
            let first = try await storage.links.insertIfAbsent(creating)
            #expect(first.inserted)
            #expect(first.link == creating)

            let again = try await storage.links.insertIfAbsent(Fixture.linkedLink(user, externalID: "user_2abc"))
            #expect(again.inserted == false)
            #expect(again.link == creating)
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id) == creating)
        }
    }

    @Test("50 concurrent first exchanges of one user insert exactly one provider link", arguments: StorageEngine.available)
    func concurrentInserts(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let candidates = (0..<50).map { index in Fixture.creatingLink(user, at: Fixture.now + Int64(index)) }
            let outcomes = try await withThrowingTaskGroup(of: (link: ProviderLink, inserted: Bool).self) { group in
                for candidate in candidates { group.addTask { try await storage.links.insertIfAbsent(candidate) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter(\.inserted).count == 1)
            let winner = try #require(outcomes.first { $0.inserted }?.link)
            #expect(outcomes.allSatisfy { $0.link == winner })
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id) == winner)
        }
    }

    @Test("Links are kept per adapter; a user without a link has none", arguments: StorageEngine.available)
    func perAdapter(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let other = try await storage.seedUser(telegramID: 5_000_000_001)
            let convex = Fixture.linkedLink(user, adapter: Fixture.convex, externalID: "j57a8gpc0f2mbfbd3vcj5fq0ed7a6s4h")
            let clerk = Fixture.linkedLink(user, adapter: Fixture.clerk, externalID: "user_2NNEqL2nrIRdJ194ndJqAHwEfxC")
            #expect(try await storage.links.insertIfAbsent(convex).inserted)
            #expect(try await storage.links.insertIfAbsent(clerk).inserted)
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id) == convex)
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.clerk, userID: user.id) == clerk)
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: other.id) == nil)
        }
    }

    @Test("update replaces the link only while it is in the expected state", arguments: StorageEngine.available)
    func optimisticUpdate(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let creating = Fixture.creatingLink(user)
            #expect(try await storage.links.insertIfAbsent(creating).inserted)

            let wrongGuess = Fixture.linkedLink(user, externalID: "k17d4xq2", at: Fixture.now + 1)
            #expect(try await storage.links.update(wrongGuess, expecting: .linked) == false)
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id) == creating)

            let linked = Fixture.linkedLink(user, externalID: "j57a8gpc0f2mbfbd3vcj5fq0ed7a6s4h", at: Fixture.now + 2)
            #expect(try await storage.links.update(linked, expecting: .creating))
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id) == linked)

            let late = Fixture.linkedLink(user, externalID: "k17d4xq2", at: Fixture.now + 3)
            #expect(try await storage.links.update(late, expecting: .creating) == false)
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id) == linked)

            var resynced = linked
            resynced.syncedProfileDigest = "c2hhMjU2OnByb2ZpbGUtdjI"
            resynced.updatedAt = Fixture.now + 4
            #expect(try await storage.links.update(resynced, expecting: .linked))
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id) == resynced)
        }
    }

    @Test("update of a link that does not exist is false and inserts nothing", arguments: StorageEngine.available)
    func updateMissing(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let linked = Fixture.linkedLink(user, externalID: "j57a8gpc0f2mbfbd3vcj5fq0ed7a6s4h")
            #expect(try await storage.links.update(linked, expecting: .creating) == false)
            #expect(try await storage.links.update(linked, expecting: .linked) == false)
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id) == nil)
        }
    }

    @Test("Of 50 concurrent transitions from creating exactly one wins, and its values are stored", arguments: StorageEngine.available)
    func concurrentTransitions(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            #expect(try await storage.links.insertIfAbsent(Fixture.creatingLink(user)).inserted)
            let attempts = (0..<50).map { index in Fixture.linkedLink(user, externalID: "ext-\(index)", at: Fixture.now + Int64(index)) }
            let results = try await withThrowingTaskGroup(of: (link: ProviderLink, won: Bool).self) { group in
                for attempt in attempts {
                    group.addTask { (attempt, try await storage.links.update(attempt, expecting: .creating)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = results.filter(\.won).map(\.link)
            #expect(winners.count == 1)
            let stored = try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id)
            #expect(stored == winners.first)
        }
    }

    @Test("delete removes the link, leaves the user's other links, and a later insert starts afresh", arguments: StorageEngine.available)
    func delete(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let convex = Fixture.linkedLink(user, adapter: Fixture.convex, externalID: "j57a8gpc0f2mbfbd3vcj5fq0ed7a6s4h")
            let clerk = Fixture.linkedLink(user, adapter: Fixture.clerk, externalID: "user_2NNEqL2nrIRdJ194ndJqAHwEfxC")
            _ = try await storage.links.insertIfAbsent(convex)
            _ = try await storage.links.insertIfAbsent(clerk)

            try await storage.links.delete(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id, at: Fixture.now)
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id) == nil)
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.clerk, userID: user.id) == clerk)

            try await storage.links.delete(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id, at: Fixture.now)
            let fresh = Fixture.creatingLink(user, at: Fixture.now + 60)
            let reinserted = try await storage.links.insertIfAbsent(fresh)
            #expect(reinserted.inserted)
            #expect(reinserted.link == fresh)
        }
    }
}
