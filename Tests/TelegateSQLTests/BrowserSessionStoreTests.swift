import TelegateCore
import TelegramAuth
import Testing

@Suite("Browser session and consent stores")
struct BrowserSessionStoreTests {
    static let django = ClientID(rawValue: "django")!

    static func session(_ user: UserRecord) -> BrowserSession {
        BrowserSession(
            hash: Fixture.tokenHash(), appID: user.appID, userID: user.id, login: UserLogin(at: Fixture.now, proof: .initData),
            createdAt: Fixture.now, lastSeenAt: Fixture.now, expiresAt: Fixture.now + 90 * 86_400)
    }

    @Test("A created session is found by its hash in its app only, every field intact", arguments: StorageEngine.available)
    func createAndFind(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let session = Self.session(user)
            try await storage.browserSessions.create(session)
            #expect(try await storage.browserSessions.session(appID: user.appID, hash: session.hash) == session)
            #expect(try await storage.browserSessions.session(appID: Fixture.quiz, hash: session.hash) == nil)
            #expect(try await storage.browserSessions.session(appID: user.appID, hash: Fixture.tokenHash()) == nil)
        }
    }

    @Test("touch moves last_seen_at forward only; revoke ends a session once", arguments: StorageEngine.available)
    func touchAndRevoke(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            var session = Self.session(user)
            try await storage.browserSessions.create(session)
            try await storage.browserSessions.touch(appID: user.appID, hash: session.hash, at: Fixture.now + 4000)
            try await storage.browserSessions.touch(appID: user.appID, hash: session.hash, at: Fixture.now + 10)
            session.lastSeenAt = Fixture.now + 4000
            #expect(try await storage.browserSessions.session(appID: user.appID, hash: session.hash) == session)
            #expect(try await storage.browserSessions.revoke(appID: user.appID, hash: session.hash, at: Fixture.now + 5000))
            #expect(try await storage.browserSessions.revoke(appID: user.appID, hash: session.hash, at: Fixture.now + 6000) == false)
            session.revokedAt = Fixture.now + 5000
            #expect(try await storage.browserSessions.session(appID: user.appID, hash: session.hash) == session)
            #expect(session.isLive(at: Fixture.now + 5001, idleTimeout: 86_400) == false)
        }
    }

    @Test("deleteExpired removes sessions past their absolute lifetime; erasing the user removes theirs", arguments: StorageEngine.available)
    func expiryAndErasure(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            var old = Self.session(user)
            old.expiresAt = Fixture.now + 10
            let live = Self.session(user)
            try await storage.browserSessions.create(old)
            try await storage.browserSessions.create(live)
            #expect(try await storage.browserSessions.deleteExpired(before: Fixture.now + 11) == 1)
            #expect(try await storage.browserSessions.session(appID: user.appID, hash: old.hash) == nil)
            try await storage.consents.record(
                Consent(appID: user.appID, userID: user.id, clientID: Self.django, scopes: ["openid"], grantedAt: Fixture.now))
            #expect(try await storage.users.delete(id: user.id, at: Fixture.now))
            #expect(try await storage.browserSessions.session(appID: user.appID, hash: live.hash) == nil)
            #expect(try await storage.consents.consent(appID: user.appID, userID: user.id, clientID: Self.django) == nil)
        }
    }

    @Test("A consent is remembered per user and client, and a new one replaces it", arguments: StorageEngine.available)
    func consents(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let first = Consent(appID: user.appID, userID: user.id, clientID: Self.django, scopes: ["profile", "openid"], grantedAt: Fixture.now)
            try await storage.consents.record(first)
            #expect(try await storage.consents.consent(appID: user.appID, userID: user.id, clientID: Self.django) == first)
            #expect(first.covers(["openid"]) && first.covers(["openid", "profile"]) && !first.covers(["openid", "telegram"]))
            #expect(try await storage.consents.consent(appID: user.appID, userID: user.id, clientID: ClientID(rawValue: "other")!) == nil)
            let wider = Consent(
                appID: user.appID, userID: user.id, clientID: Self.django, scopes: ["openid", "profile", "telegram"], grantedAt: Fixture.now + 9)
            try await storage.consents.record(wider)
            #expect(try await storage.consents.consent(appID: user.appID, userID: user.id, clientID: Self.django) == wider)
        }
    }
}
