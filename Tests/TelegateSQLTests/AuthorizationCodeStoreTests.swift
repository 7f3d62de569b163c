import TelegateCore
import TelegramAuth
import Testing

@Suite("Authorization code store")
struct AuthorizationCodeStoreTests {
    static let django = ClientID(rawValue: "django")!

    /// A fresh code of `user`, issued at ``Fixture/now`` and valid for 60 s.
    static func code(_ user: UserRecord, nonce: String? = "n-0S6_WzA2Mj") -> AuthorizationCode {
        AuthorizationCode(
            hash: Fixture.tokenHash(), appID: user.appID, clientID: django, userID: user.id,
            login: UserLogin(at: Fixture.now - 5, proof: .widget),
            request: AuthorizedRequest(
                redirectURI: "https://site.example/accounts/oidc/telegate/login/callback/",
                scopes: ["openid", "profile", "telegram"], nonce: nonce,
                codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            sessionID: "s-1", expiresAt: Fixture.now + 60)
    }

    @Test("A saved code is redeemed once, every field intact; a second use is a replay naming the recorded grant", arguments: StorageEngine.available)
    func redeemOnce(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let code = Self.code(user)
            try await storage.authorizationCodes.save(code)
            #expect(try await storage.authorizationCodes.redeem(appID: user.appID, hash: code.hash, at: Fixture.now + 1) == .redeemed(code))
            #expect(try await storage.authorizationCodes.redeem(appID: user.appID, hash: code.hash, at: Fixture.now + 2) == .replayed(code, grantID: nil))
            try await storage.authorizationCodes.recordGrant(appID: user.appID, hash: code.hash, grantID: "family-1")
            #expect(try await storage.authorizationCodes.redeem(appID: user.appID, hash: code.hash, at: Fixture.now + 3) == .replayed(code, grantID: "family-1"))
        }
    }

    @Test("A code without nonce or challenge round-trips; another app's or an unknown hash is unknown", arguments: StorageEngine.available)
    func unknown(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            var code = Self.code(user, nonce: nil)
            code.request.codeChallenge = nil
            code.sessionID = nil
            try await storage.authorizationCodes.save(code)
            #expect(try await storage.authorizationCodes.redeem(appID: Fixture.quiz, hash: code.hash, at: Fixture.now) == .unknown)
            #expect(try await storage.authorizationCodes.redeem(appID: user.appID, hash: Fixture.tokenHash(), at: Fixture.now) == .unknown)
            #expect(try await storage.authorizationCodes.redeem(appID: user.appID, hash: code.hash, at: Fixture.now) == .redeemed(code))
        }
    }

    @Test("An expired code is unknown and stays unredeemed; deleteExpired removes only codes expired before the cutoff", arguments: StorageEngine.available)
    func expired(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let old = Self.code(user)
            var live = Self.code(user)
            live.expiresAt = Fixture.now + 600
            try await storage.authorizationCodes.save(old)
            try await storage.authorizationCodes.save(live)
            #expect(try await storage.authorizationCodes.redeem(appID: user.appID, hash: old.hash, at: old.expiresAt) == .unknown)
            #expect(try await storage.authorizationCodes.redeem(appID: user.appID, hash: old.hash, at: old.expiresAt + 1) == .unknown)
            #expect(try await storage.authorizationCodes.deleteExpired(before: old.expiresAt + 1) == 1)
            #expect(try await storage.authorizationCodes.redeem(appID: user.appID, hash: live.hash, at: Fixture.now) == .redeemed(live))
        }
    }

    @Test("20 concurrent redemptions of one code: exactly one wins, the others see a replay", arguments: StorageEngine.available)
    func concurrentRedeem(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let code = Self.code(user)
            try await storage.authorizationCodes.save(code)
            let store = storage.authorizationCodes
            let outcomes = try await withThrowingTaskGroup(of: CodeRedemption.self) { group in
                for _ in 0..<20 { group.addTask { try await store.redeem(appID: code.appID, hash: code.hash, at: Fixture.now + 1) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .redeemed(code) }.count == 1)
            #expect(outcomes.filter { $0 == .replayed(code, grantID: nil) }.count == 19)
        }
    }

    @Test("Erasing the user deletes their codes", arguments: StorageEngine.available)
    func erasure(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let code = Self.code(user)
            try await storage.authorizationCodes.save(code)
            #expect(try await storage.users.delete(id: user.id, at: Fixture.now))
            #expect(try await storage.authorizationCodes.redeem(appID: user.appID, hash: code.hash, at: Fixture.now) == .unknown)
        }
    }
}
