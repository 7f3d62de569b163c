import Synchronization
import TelegateCore
import Testing

@testable import TelegramAuth

/// A user store that counts the writes the resolver makes.
private final class CountingUserStore: UserStore {
    let base: any UserStore
    private let count = Mutex(0)

    init(_ base: any UserStore) { self.base = base }

    var writes: Int { count.withLock { $0 } }

    func user(appID: AppID, telegramID: Int64) async throws -> UserRecord? {
        try await base.user(appID: appID, telegramID: telegramID)
    }

    func user(id: UserID) async throws -> UserRecord? { try await base.user(id: id) }

    func insertIfAbsent(_ user: UserRecord, audit: AuditEvent?) async throws -> (user: UserRecord, inserted: Bool) {
        count.withLock { $0 += 1 }
        return try await base.insertIfAbsent(user, audit: audit)
    }

    func recordLogin(id: UserID, _ login: UserLogin, profile: (profile: UserProfile, authDate: Int64)?) async throws {
        count.withLock { $0 += 1 }
        try await base.recordLogin(id: id, login, profile: profile)
    }

    func setStatus(id: UserID, status: UserStatus, at: Int64) async throws -> Bool {
        count.withLock { $0 += 1 }
        return try await base.setStatus(id: id, status: status, at: at)
    }

    func users(appID: AppID, username: String?, after cursor: UserCursor?, limit: Int) async throws -> [UserRecord] {
        try await base.users(appID: appID, username: username, after: cursor, limit: limit)
    }

    func delete(id: UserID, at: Int64) async throws -> Bool {
        count.withLock { $0 += 1 }
        return try await base.delete(id: id, at: at)
    }
}

/// A clock tests move forward.
private final class TestClock: Sendable {
    private let seconds = Mutex(Fixture.now)
    var now: Int64 { seconds.withLock { $0 } }
    func advance(_ delta: Int64) { seconds.withLock { $0 += delta } }
    var wallClock: WallClock { WallClock { [self] in now } }
}

@Suite("Identity resolver")
struct IdentityResolverTests {
    static let ada = TelegramUser(
        id: 279_058_397, firstName: "Ada", lastName: "Lovelace", username: "ada", languageCode: "en", isPremium: true,
        allowsWriteToPM: true, photoURL: "https://t.me/i/userpic/320/ada.jpg")

    static func identity(_ user: TelegramUser = ada, _ proof: TelegramIdentity.Proof = .initData, authDate: Int64)
        -> TelegramIdentity
    {
        TelegramIdentity(
            proof: proof, mode: proof == .telegramOIDC ? .jwks : .hmac, user: user, authDate: authDate, rawFields: nil)
    }

    /// Runs `body` with a resolver over `engine`'s user store, its write counter and its clock.
    private func withResolver(
        _ engine: StorageEngine,
        _ body: (IdentityResolver, CountingUserStore, TestClock) async throws -> Void
    ) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            let users = CountingUserStore(storage.users)
            let clock = TestClock()
            try await body(IdentityResolver(users: users, clock: clock.wallClock), users, clock)
        }
    }

    @Test("A first login stores the profile, allows_write_to_pm and the login; a warm login writes nothing", arguments: StorageEngine.available)
    func warmLoginWritesNothing(engine: StorageEngine) async throws {
        try await withResolver(engine) { resolver, users, clock in
            let first = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(authDate: clock.now), botID: 1, requestID: nil)
            #expect(first.created)
            #expect(first.user.profile.allowsWriteToPM)
            #expect(first.user.lastLogin == UserLogin(at: clock.now, proof: .initData, botID: 1))
            #expect(try await users.user(id: first.user.id) == first.user)
            let afterCreation = users.writes

            // The Mini App sends the same initData again, and a fresh one a little later: nothing to write.
            clock.advance(60)
            let again = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(authDate: Fixture.now), botID: 1, requestID: nil)
            clock.advance(IdentityResolver.loginRecordInterval - 120)
            let fresh = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(authDate: clock.now), botID: 1, requestID: nil)
            #expect(users.writes == afterCreation)
            #expect(again.user == first.user && fresh.user == first.user)
        }
    }

    @Test("A first login's audit record (proof, bot, request id) commits with the user; a repeat login writes none",
          arguments: StorageEngine.available)
    func creationAudited(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            let clock = TestClock()
            let resolver = IdentityResolver(users: storage.users, clock: clock.wallClock)
            let first = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(authDate: clock.now), botID: 7, requestID: "req1")
            clock.advance(IdentityResolver.loginRecordInterval)
            _ = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(authDate: clock.now), botID: 7, requestID: "req2")

            let audited = try await storage.audit.events(appID: Fixture.poll, before: nil, limit: 10)
            try #require(audited.count == 1)
            #expect(audited[0].action == "user.created")
            #expect(audited[0].actor == "user:\(first.user.id)" && audited[0].target == "user:\(first.user.id)")
            #expect(audited[0].details == .object([("proof", .string("initData")), ("botId", .integer(7))]))
            #expect(audited[0].requestID == "req1")
            #expect(audited[0].at == first.user.createdAt)
        }
    }

    @Test("A login is written once the recorded one is loginRecordInterval old, without touching updatedAt", arguments: StorageEngine.available)
    func loginAfterInterval(engine: StorageEngine) async throws {
        try await withResolver(engine) { resolver, users, clock in
            let first = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(authDate: clock.now), botID: 1, requestID: nil)
            let before = users.writes
            clock.advance(IdentityResolver.loginRecordInterval)
            let later = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(authDate: clock.now), botID: 1, requestID: nil)
            #expect(users.writes == before + 1)
            #expect(later.user.lastLogin == UserLogin(at: clock.now, proof: .initData, botID: 1))
            #expect(later.user.updatedAt == first.user.updatedAt)
            #expect(try await users.user(id: first.user.id) == later.user)
        }
    }

    @Test("Another kind of proof is recorded at once", arguments: StorageEngine.available)
    func otherProofKind(engine: StorageEngine) async throws {
        try await withResolver(engine) { resolver, users, clock in
            let first = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(authDate: clock.now), botID: 1, requestID: nil)
            clock.advance(30)
            let before = users.writes
            // Widget data carries no language or flags: they stay as the initData left them.
            let viaWidget = TelegramUser(
                id: Self.ada.id, firstName: "Ada", lastName: "Lovelace", username: "ada", photoURL: Self.ada.photoURL)
            let second = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(viaWidget, .widget, authDate: clock.now), botID: 1,
                requestID: nil)
            #expect(users.writes == before + 1)
            #expect(second.user.lastLogin == UserLogin(at: clock.now, proof: .widget, botID: 1))
            #expect(second.user.profile == first.user.profile)
            #expect(try await users.user(id: first.user.id) == second.user)
        }
    }

    @Test("A newer initData without photo_url keeps the photo and clears a username it lacks, in one write", arguments: StorageEngine.available)
    func fieldByField(engine: StorageEngine) async throws {
        try await withResolver(engine) { resolver, users, clock in
            let first = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(authDate: clock.now), botID: 1, requestID: nil)
            clock.advance(10)
            let before = users.writes
            let withoutPhoto = TelegramUser(id: Self.ada.id, firstName: "Ada", lastName: "Lovelace", languageCode: "en")
            let second = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(withoutPhoto, authDate: clock.now), botID: 1, requestID: nil)
            #expect(users.writes == before + 1)
            let stored = try #require(try await users.user(id: first.user.id))
            #expect(stored == second.user)
            #expect(stored.profile.photoURL == Self.ada.photoURL)
            #expect(stored.profile.username == nil)
            #expect(stored.profile.isPremium == false && stored.profile.allowsWriteToPM == false)
            #expect(stored.updatedAt == clock.now && stored.profileAuthDate == clock.now)
        }
    }

    @Test("A proof older than the stored profile changes nothing of it", arguments: StorageEngine.available)
    func olderProof(engine: StorageEngine) async throws {
        try await withResolver(engine) { resolver, users, clock in
            let first = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(authDate: clock.now), botID: 1, requestID: nil)
            clock.advance(IdentityResolver.loginRecordInterval)
            let renamed = TelegramUser(id: Self.ada.id, firstName: "Stale")
            let second = try await resolver.resolve(
                appID: Fixture.poll, identity: Self.identity(renamed, authDate: Fixture.now - 1), botID: 1, requestID: nil)
            #expect(second.user.profile == first.user.profile)
            #expect(try await users.user(id: first.user.id)?.profile == first.user.profile)
            #expect(second.user.lastLogin?.at == clock.now)
        }
    }
}
