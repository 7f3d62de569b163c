import TelegateCore
import Testing

/// What the admin surface needs from every engine: admin tokens by hash, user search and erasure, a user's
/// links and refresh families.
@Suite("Admin store methods")
struct AdminStoreTests {
    static func token(_ name: String, app: AppID? = nil) -> AdminToken {
        AdminToken(
            id: "adm_" + SortableID.generate(milliseconds: UInt64(Fixture.now) * 1000).lowercased(), name: name, appID: app,
            readOnly: app != nil, hash: Fixture.randomBytes(32), createdAt: Fixture.now)
    }

    @Test("Admin tokens: found by hash, one live token per name, revoked once", arguments: StorageEngine.available)
    func adminTokens(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage async throws in
            let ci = Self.token("ci", app: Fixture.poll)
            #expect(try await storage.adminTokens.insert(ci))
            #expect(try await storage.adminTokens.token(hash: ci.hash) == ci)
            #expect(try await storage.adminTokens.token(hash: Fixture.randomBytes(32)) == nil)
            #expect(try await storage.adminTokens.insert(Self.token("ci")) == false)
            #expect(try await storage.adminTokens.revoke(id: ci.id, at: Fixture.now + 5))
            #expect(try await storage.adminTokens.revoke(id: ci.id, at: Fixture.now + 6) == false)
            #expect(try await storage.adminTokens.token(hash: ci.hash)?.revokedAt == Fixture.now + 5)
            let again = Self.token("ci")
            #expect(try await storage.adminTokens.insert(again))
            #expect(Set(try await storage.adminTokens.tokens().map(\.id)) == [ci.id, again.id])
        }
    }

    @Test("Users by username (any case) newest first, and erasure with links and refresh families", arguments: StorageEngine.available)
    func searchAndErase(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            let older = Fixture.user(telegramID: 1, profile: Fixture.profile(username: "Alice"), at: Fixture.now - 10)
            let newer = Fixture.user(telegramID: 2, profile: Fixture.profile(username: "bob"), at: Fixture.now)
            _ = try await storage.users.insertIfAbsent(older)
            _ = try await storage.users.insertIfAbsent(newer)
            #expect(try await storage.users.users(appID: Fixture.poll, username: nil, after: nil, limit: 10).map(\.id) == [newer.id, older.id])
            #expect(try await storage.users.users(appID: Fixture.poll, username: "alice", after: nil, limit: 10).map(\.id) == [older.id])
            #expect(try await storage.users.users(appID: Fixture.quiz, username: "alice", after: nil, limit: 10).isEmpty)
            #expect(try await storage.users.users(appID: Fixture.poll, username: nil, after: nil, limit: 1).count == 1)

            _ = try await storage.links.insertIfAbsent(Fixture.linkedLink(older, adapter: Fixture.convex, externalID: "c1"))
            _ = try await storage.links.insertIfAbsent(Fixture.linkedLink(older, adapter: Fixture.clerk, externalID: "k1"))
            #expect(try await storage.links.links(userID: older.id).map(\.adapter) == [Fixture.clerk, Fixture.convex])
            let family = Fixture.family(older)
            #expect(try await storage.refreshTokens.createFamily(family, tokens: [Fixture.token(family)]))
            #expect(try await storage.refreshTokens.families(userID: older.id) == [family])

            #expect(try await storage.users.delete(id: older.id, at: Fixture.now))
            #expect(try await storage.users.delete(id: older.id, at: Fixture.now) == false)
            #expect(try await storage.users.user(id: older.id) == nil)
            #expect(try await storage.links.links(userID: older.id).isEmpty)
            #expect(try await storage.refreshTokens.families(userID: older.id).isEmpty)
            #expect(try await storage.users.user(id: newer.id) == newer)
        }
    }
}
