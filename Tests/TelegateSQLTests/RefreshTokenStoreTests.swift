import TelegateCore
import Testing

@Suite("Refresh token store")
struct RefreshTokenStoreTests {
    @Test("F8, L3: a new family and its first token are found by the token's hash, every field intact", arguments: StorageEngine.available)
    func createAndFind(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let family = Fixture.family(user, adapter: Fixture.clerk)
            let first = Fixture.token(family)
            #expect(try await storage.refreshTokens.createFamily(family, tokens: [first]))

            let found = try #require(try await storage.refreshTokens.token(familyID: first.familyID, hash: first.hash))
            #expect(found.token == first)
            #expect(found.family == family)
            #expect(try await storage.refreshTokens.token(familyID: family.id, hash: Fixture.tokenHash()) == nil)
        }
    }

    @Test("createFamily stores every token given, and is false, storing nothing, for a known id or an unknown user", arguments: StorageEngine.available)
    func createFamilyOnce(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let family = Fixture.family(user)
            var spent = Fixture.token(family)
            spent.state = .rotated
            spent.rotatedAt = Fixture.now + 5
            let next = Fixture.token(family, generation: 1, at: Fixture.now + 5)
            #expect(try await storage.refreshTokens.createFamily(family, tokens: [spent, next]))
            #expect(try await storage.refreshTokens.token(familyID: family.id, hash: spent.hash)?.token == spent)
            #expect(try await storage.refreshTokens.token(familyID: family.id, hash: next.hash)?.token == next)

            var rival = family
            rival.adapter = Fixture.clerk
            let rivalToken = Fixture.token(rival, generation: 1)
            #expect(try await storage.refreshTokens.createFamily(rival, tokens: [rivalToken]) == false)
            #expect(try await storage.refreshTokens.token(familyID: family.id, hash: rivalToken.hash) == nil)
            #expect(try await storage.refreshTokens.token(familyID: family.id, hash: next.hash)?.family == family)

            var erased = user
            erased.id = UserID.generate(milliseconds: 1)
            let orphan = Fixture.family(erased)
            let orphanToken = Fixture.token(orphan)
            #expect(try await storage.refreshTokens.createFamily(orphan, tokens: [orphanToken]) == false)
            #expect(try await storage.refreshTokens.token(familyID: orphan.id, hash: orphanToken.hash) == nil)
        }
    }

    @Test("rotate marks the token rotated at the given time and stores its successor", arguments: StorageEngine.available)
    func rotate(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (family, first) = try await newFamily(in: storage)
            let next = Fixture.token(family, generation: 1, at: Fixture.now + 900)
            #expect(try await storage.refreshTokens.rotate(familyID: first.familyID, hash: first.hash, at: Fixture.now + 900, next: next))

            var rotated = first
            rotated.state = .rotated
            rotated.rotatedAt = Fixture.now + 900
            #expect(try await storage.refreshTokens.token(familyID: first.familyID, hash: first.hash)?.token == rotated)
            #expect(try await storage.refreshTokens.token(familyID: next.familyID, hash: next.hash)?.token == next)
            #expect(try await storage.refreshTokens.token(familyID: next.familyID, hash: next.hash)?.family == family)
        }
    }

    @Test("rotate of a token that is no longer active, or unknown, is false and stores nothing", arguments: StorageEngine.available)
    func rotateRefused(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (family, first) = try await newFamily(in: storage)
            #expect(try await storage.refreshTokens.rotate(familyID: first.familyID, hash: first.hash, at: Fixture.now + 10, next: Fixture.token(family, generation: 1)))

            let replay = Fixture.token(family, generation: 1, at: Fixture.now + 20)
            #expect(try await storage.refreshTokens.rotate(familyID: first.familyID, hash: first.hash, at: Fixture.now + 20, next: replay) == false)
            #expect(try await storage.refreshTokens.token(familyID: replay.familyID, hash: replay.hash) == nil)
            #expect(try await storage.refreshTokens.token(familyID: first.familyID, hash: first.hash)?.token.rotatedAt == Fixture.now + 10)

            let orphan = Fixture.token(family, generation: 1)
            #expect(try await storage.refreshTokens.rotate(familyID: family.id, hash: Fixture.tokenHash(), at: Fixture.now, next: orphan) == false)
            #expect(try await storage.refreshTokens.token(familyID: orphan.familyID, hash: orphan.hash) == nil)
        }
    }

    @Test("I5: a rotation or a new family whose token cannot be stored changes nothing", arguments: StorageEngine.available)
    func failedWrites(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (family, first) = try await newFamily(in: storage)
            var clash = Fixture.token(family, generation: 1)
            clash.hash = first.hash
            await #expect(throws: (any Error).self) {
                try await storage.refreshTokens.rotate(familyID: first.familyID, hash: first.hash, at: Fixture.now + 5, next: clash)
            }
            #expect(try await storage.refreshTokens.token(familyID: first.familyID, hash: first.hash)?.token == first)

            let user = try await storage.seedUser(telegramID: 5_000_000_001)
            let orphan = Fixture.family(user)
            var duplicate = Fixture.token(orphan)
            duplicate.familyID = family.id
            duplicate.hash = first.hash
            await #expect(throws: (any Error).self) {
                _ = try await storage.refreshTokens.createFamily(orphan, tokens: [duplicate])
            }
            #expect(try await storage.refreshTokens.revokeFamilies(userID: user.id, reason: "admin", at: Fixture.now) == 0)
            #expect(try await storage.refreshTokens.token(familyID: first.familyID, hash: first.hash)?.family == family)
        }
    }

    @Test("Of two concurrent rotations of one token exactly one wins and only its successor is stored", arguments: StorageEngine.available)
    func concurrentRotations(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (family, first) = try await newFamily(in: storage)
            var current = first
            for generation in 1...10 {
                let hash = current.hash
                let successors = (0..<2).map { _ in Fixture.token(family, generation: generation, at: Fixture.now + Int64(generation)) }
                let results = try await withThrowingTaskGroup(of: (token: RefreshTokenRecord, won: Bool).self) { group in
                    for successor in successors {
                        group.addTask {
                            (successor, try await storage.refreshTokens.rotate(familyID: family.id, hash: hash, at: successor.createdAt, next: successor))
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.filter(\.won).count == 1)
                let winner = try #require(results.first { $0.won }?.token)
                let loser = try #require(results.first { !$0.won }?.token)
                #expect(try await storage.refreshTokens.token(familyID: winner.familyID, hash: winner.hash)?.token == winner)
                #expect(try await storage.refreshTokens.token(familyID: loser.familyID, hash: loser.hash) == nil)
                current = winner
            }
        }
    }

    @Test("claimGrace claims a rotated token's grace once, only since the given time, and never for an active or unknown token", arguments: StorageEngine.available)
    func claimGrace(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (family, first) = try await newFamily(in: storage)
            #expect(try await storage.refreshTokens.claimGrace(familyID: family.id, hash: first.hash, rotatedSince: Fixture.now) == false)
            let next = Fixture.token(family, generation: 1, at: Fixture.now + 100)
            #expect(try await storage.refreshTokens.rotate(familyID: family.id, hash: first.hash, at: Fixture.now + 100, next: next))

            #expect(try await storage.refreshTokens.claimGrace(familyID: family.id, hash: first.hash, rotatedSince: Fixture.now + 101) == false)
            #expect(try await storage.refreshTokens.token(familyID: family.id, hash: first.hash)?.token.graceUsed == false)
            #expect(try await storage.refreshTokens.claimGrace(familyID: family.id, hash: first.hash, rotatedSince: Fixture.now + 100))
            #expect(try await storage.refreshTokens.token(familyID: family.id, hash: first.hash)?.token.graceUsed == true)
            #expect(try await storage.refreshTokens.claimGrace(familyID: family.id, hash: first.hash, rotatedSince: Fixture.now) == false)

            #expect(try await storage.refreshTokens.token(familyID: family.id, hash: next.hash)?.token == next)
            #expect(try await storage.refreshTokens.claimGrace(familyID: family.id, hash: next.hash, rotatedSince: Fixture.now) == false)
            #expect(try await storage.refreshTokens.claimGrace(familyID: family.id, hash: Fixture.tokenHash(), rotatedSince: Fixture.now) == false)
        }
    }

    @Test("Of 20 concurrent grace claims on one rotated token exactly one succeeds", arguments: StorageEngine.available)
    func concurrentGraceClaims(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (family, first) = try await newFamily(in: storage)
            let next = Fixture.token(family, generation: 1, at: Fixture.now + 1)
            #expect(try await storage.refreshTokens.rotate(familyID: family.id, hash: first.hash, at: Fixture.now + 1, next: next))
            let claims = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await storage.refreshTokens.claimGrace(familyID: family.id, hash: first.hash, rotatedSince: Fixture.now)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(claims.filter { $0 }.count == 1)
        }
    }

    @Test("A family created with a spent token and its successor keeps the spent token's grace unused", arguments: StorageEngine.available)
    func createdSpentToken(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let family = Fixture.family(user)
            var spent = Fixture.token(family)
            spent.state = .rotated
            spent.rotatedAt = Fixture.now
            #expect(try await storage.refreshTokens.createFamily(family, tokens: [spent, Fixture.token(family, generation: 1)]))
            #expect(try await storage.refreshTokens.claimGrace(familyID: family.id, hash: spent.hash, rotatedSince: Fixture.now))
            #expect(try await storage.refreshTokens.claimGrace(familyID: family.id, hash: spent.hash, rotatedSince: Fixture.now) == false)
        }
    }

    @Test("revokeFamily records when and why once and says so; a second revocation keeps the first", arguments: StorageEngine.available)
    func revokeFamily(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (family, first) = try await newFamily(in: storage)
            let (untouched, untouchedFirst) = try await newFamily(in: storage)
            #expect(try await storage.refreshTokens.revokeFamily(id: family.id, reason: "reuse_detected", at: Fixture.now + 5))
            var revoked = family
            revoked.revokedAt = Fixture.now + 5
            revoked.revokeReason = "reuse_detected"
            #expect(try await storage.refreshTokens.token(familyID: first.familyID, hash: first.hash)?.family == revoked)

            #expect(try await storage.refreshTokens.revokeFamily(id: family.id, reason: "admin", at: Fixture.now + 9) == false)
            #expect(try await storage.refreshTokens.revokeFamily(id: Fixture.family(Fixture.user(Fixture.poll, telegramID: 1)).id, reason: "admin", at: Fixture.now) == false)
            #expect(try await storage.refreshTokens.token(familyID: first.familyID, hash: first.hash)?.family == revoked)
            #expect(try await storage.refreshTokens.token(familyID: untouchedFirst.familyID, hash: untouchedFirst.hash)?.family == untouched)
        }
    }

    @Test("revokeFamilies revokes every live family of one user, counts them, records the latest time on the user, and leaves other users alone", arguments: StorageEngine.available)
    func revokeFamilies(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let other = try await storage.seedUser(telegramID: 5_000_000_001)
            var mine: [(RefreshFamily, RefreshTokenRecord)] = []
            for adapter in [Fixture.convex, Fixture.clerk, Fixture.convex] {
                let family = Fixture.family(user, adapter: adapter)
                let token = Fixture.token(family)
                #expect(try await storage.refreshTokens.createFamily(family, tokens: [token]))
                mine.append((family, token))
            }
            let theirs = Fixture.family(other)
            let theirToken = Fixture.token(theirs)
            #expect(try await storage.refreshTokens.createFamily(theirs, tokens: [theirToken]))
            try await storage.refreshTokens.revokeFamily(id: mine[0].0.id, reason: "reuse_detected", at: Fixture.now + 1)

            #expect(try await storage.refreshTokens.revokeFamilies(userID: user.id, reason: "user_disabled", at: Fixture.now + 2) == 2)
            let first = try #require(try await storage.refreshTokens.token(familyID: mine[0].1.familyID, hash: mine[0].1.hash)?.family)
            #expect(first.revokedAt == Fixture.now + 1 && first.revokeReason == "reuse_detected")
            for (_, token) in mine.dropFirst() {
                let family = try #require(try await storage.refreshTokens.token(familyID: token.familyID, hash: token.hash)?.family)
                #expect(family.revokedAt == Fixture.now + 2 && family.revokeReason == "user_disabled")
            }
            #expect(try await storage.refreshTokens.token(familyID: theirToken.familyID, hash: theirToken.hash)?.family == theirs)
            #expect(try await storage.users.user(id: user.id)?.sessionsRevokedAt == Fixture.now + 2)
            #expect(try await storage.users.user(id: other.id)?.sessionsRevokedAt == nil)
            #expect(try await storage.refreshTokens.revokeFamilies(userID: user.id, reason: "user_disabled", at: Fixture.now + 3) == 0)
            #expect(try await storage.users.user(id: user.id)?.sessionsRevokedAt == Fixture.now + 3)
            #expect(try await storage.refreshTokens.revokeFamilies(userID: user.id, reason: "admin", at: Fixture.now + 1) == 0)
            #expect(try await storage.users.user(id: user.id)?.sessionsRevokedAt == Fixture.now + 3)
            #expect(try await storage.refreshTokens.revokeFamilies(userID: UserID.generate(milliseconds: 0), reason: "admin", at: Fixture.now) == 0)
        }
    }

    @Test("deleteExpired removes expired tokens and expired families with all their tokens, and nothing live", arguments: StorageEngine.available)
    func deleteExpired(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (family, first) = try await newFamily(in: storage)
            let successor = Fixture.token(family, generation: 1, at: Fixture.now + 60)
            #expect(try await storage.refreshTokens.rotate(familyID: family.id, hash: first.hash, at: Fixture.now + 60, next: successor))
            let user = try #require(try await storage.users.user(id: family.userID))
            var short = Fixture.family(user)
            short.expiresAt = Fixture.now + 30
            var shortFirst = Fixture.token(short)
            shortFirst.expiresAt = short.expiresAt
            var lingering = Fixture.token(short, generation: 1)
            lingering.expiresAt = first.expiresAt + 100
            #expect(try await storage.refreshTokens.createFamily(short, tokens: [shortFirst, lingering]))

            // By `cutoff`, `first` has expired but its successor has not; the family `short` has expired with all its tokens.
            let cutoff = first.expiresAt + 1
            #expect(successor.expiresAt >= cutoff)
            #expect(try await storage.refreshTokens.deleteExpired(before: cutoff) == 3)
            #expect(try await storage.refreshTokens.token(familyID: family.id, hash: first.hash) == nil)
            #expect(try await storage.refreshTokens.token(familyID: family.id, hash: successor.hash)?.token == successor)
            #expect(try await storage.refreshTokens.token(familyID: short.id, hash: lingering.hash) == nil)
            #expect(try await storage.refreshTokens.deleteExpired(before: cutoff) == 0)
        }
    }

    /// Saves the app and a user, and creates a family with its first token.
    private func newFamily(in storage: any TelegateStorage) async throws -> (RefreshFamily, RefreshTokenRecord) {
        var user = try await storage.users.user(appID: Fixture.poll, telegramID: 279_058_397)
        if user == nil { user = try await storage.seedUser() }
        let family = Fixture.family(try #require(user))
        let first = Fixture.token(family)
        #expect(try await storage.refreshTokens.createFamily(family, tokens: [first]))
        return (family, first)
    }
}
