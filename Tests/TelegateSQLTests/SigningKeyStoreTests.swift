import TelegateCore
import Testing

@Suite("Signing key store")
struct SigningKeyStoreTests {
    @Test("insertInitial stores the first active key and its successor once per app and algorithm", arguments: StorageEngine.available)
    func insertInitialOnce(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            let active = Fixture.signingKey(.es256, state: .active)
            let next = Fixture.signingKey(.es256, state: .next)
            #expect(try await storage.signingKeys.insertInitial(active: active, next: next))
            #expect(try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now).byKid == [active, next].byKid)

            let late = (Fixture.signingKey(.es256, state: .active), Fixture.signingKey(.es256, state: .next))
            #expect(try await storage.signingKeys.insertInitial(active: late.0, next: late.1) == false)
            #expect(try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now).byKid == [active, next].byKid)
        }
    }

    @Test("Of 50 concurrent insertInitial calls for one algorithm exactly one succeeds", arguments: StorageEngine.available)
    func concurrentInsertInitial(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            let pairs = (0..<50).map { _ in (Fixture.signingKey(.rs256, state: .active), Fixture.signingKey(.rs256, state: .next)) }
            let results = try await withThrowingTaskGroup(of: (kid: String, won: Bool).self) { group in
                for (active, next) in pairs {
                    group.addTask { (active.kid, try await storage.signingKeys.insertInitial(active: active, next: next)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = results.filter(\.won)
            #expect(winners.count == 1)
            let pair = try #require(pairs.first { $0.0.kid == winners.first?.kid })
            #expect(try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now).byKid == [pair.0, pair.1].byKid)
        }
    }

    @Test("Each algorithm of each app gets its own initial keys", arguments: StorageEngine.available)
    func perAlgorithmAndApp(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app(Fixture.poll))
            try await storage.configuration.save(Fixture.app(Fixture.quiz))
            var expected: [AppID: [StoredSigningKey]] = [:]
            for app in [Fixture.poll, Fixture.quiz] {
                for algorithm in SigningAlgorithm.allCases {
                    let active = Fixture.signingKey(algorithm, state: .active, app: app)
                    let next = Fixture.signingKey(algorithm, state: .next, app: app)
                    #expect(try await storage.signingKeys.insertInitial(active: active, next: next))
                    expected[app, default: []] += [active, next]
                }
            }
            for app in [Fixture.poll, Fixture.quiz] {
                let keys = try await storage.signingKeys.keys(appID: app, now: Fixture.now)
                #expect(keys.byKid == expected[app]?.byKid)
                try expectOneActiveAndOneNext(keys)
            }
        }
    }

    @Test("rotate retires the active key with its expiry, promotes the next key and publishes the new next key", arguments: StorageEngine.available)
    func rotate(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (active, next) = try await initialKeys(.es256, in: storage)
            let newNext = Fixture.signingKey(.es256, state: .next, createdAt: Fixture.now + 100)
            #expect(
                try await storage.signingKeys.rotate(
                    appID: Fixture.poll, algorithm: .es256, activeKid: active.kid, retiredExpiresAt: Fixture.now + 86_400,
                    newNext: newNext))

            var retired = active
            retired.state = .retired
            retired.expiresAt = Fixture.now + 86_400
            var promoted = next
            promoted.state = .active
            let keys = try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now + 100)
            #expect(keys.byKid == [retired, promoted, newNext].byKid)
            try expectOneActiveAndOneNext(keys)
        }
    }

    @Test("rotate with a stale active kid is refused and changes nothing", arguments: StorageEngine.available)
    func rotateStale(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (active, next) = try await initialKeys(.es256, in: storage)
            let retiredAt = Fixture.now + 86_400
            #expect(
                try await storage.signingKeys.rotate(
                    appID: Fixture.poll, algorithm: .es256, activeKid: active.kid, retiredExpiresAt: retiredAt,
                    newNext: Fixture.signingKey(.es256, state: .next)))
            let before = try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now)

            for staleKid in [active.kid, Fixture.kid()] {
                #expect(
                    try await storage.signingKeys.rotate(
                        appID: Fixture.poll, algorithm: .es256, activeKid: staleKid, retiredExpiresAt: retiredAt + 1,
                        newNext: Fixture.signingKey(.es256, state: .next)) == false)
            }
            #expect(try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now).byKid == before.byKid)
            #expect(before.contains { $0.kid == next.kid && $0.state == .active })
        }
    }

    @Test("rotate with the active kid of another algorithm or app is refused and changes nothing", arguments: StorageEngine.available)
    func rotateForeignKid(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (esActive, _) = try await initialKeys(.es256, in: storage)
            _ = try await initialKeys(.rs256, in: storage)
            try await storage.configuration.save(Fixture.app(Fixture.quiz))
            let quizActive = Fixture.signingKey(.es256, state: .active, app: Fixture.quiz)
            #expect(
                try await storage.signingKeys.insertInitial(
                    active: quizActive, next: Fixture.signingKey(.es256, state: .next, app: Fixture.quiz)))
            let before = try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now)

            #expect(
                try await storage.signingKeys.rotate(
                    appID: Fixture.poll, algorithm: .rs256, activeKid: esActive.kid, retiredExpiresAt: Fixture.now + 600,
                    newNext: Fixture.signingKey(.rs256, state: .next)) == false)
            #expect(
                try await storage.signingKeys.rotate(
                    appID: Fixture.poll, algorithm: .es256, activeKid: quizActive.kid, retiredExpiresAt: Fixture.now + 600,
                    newNext: Fixture.signingKey(.es256, state: .next)) == false)
            #expect(try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now).byKid == before.byKid)
        }
    }

    @Test("A rotation whose new next key cannot be stored changes nothing", arguments: StorageEngine.available)
    func failedRotation(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (active, next) = try await initialKeys(.es256, in: storage)
            let clash = Fixture.signingKey(.es256, state: .next, kid: active.kid)
            await #expect(throws: (any Error).self) {
                try await storage.signingKeys.rotate(
                    appID: Fixture.poll, algorithm: .es256, activeKid: active.kid, retiredExpiresAt: Fixture.now + 600,
                    newNext: clash)
            }
            #expect(try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now).byKid == [active, next].byKid)
        }
    }

    @Test("Of two concurrent rotations from the same active key exactly one wins", arguments: StorageEngine.available)
    func concurrentRotations(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            var (active, _) = try await initialKeys(.es256, in: storage)
            for round in 0..<10 {
                let activeKid = active.kid
                let candidates = (0..<2).map { _ in Fixture.signingKey(.es256, state: .next, createdAt: Fixture.now + Int64(round)) }
                let results = try await withThrowingTaskGroup(of: (kid: String, won: Bool).self) { group in
                    for candidate in candidates {
                        group.addTask {
                            let won = try await storage.signingKeys.rotate(
                                appID: Fixture.poll, algorithm: .es256, activeKid: activeKid,
                                retiredExpiresAt: Fixture.now + 86_400, newNext: candidate)
                            return (candidate.kid, won)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.filter(\.won).count == 1)
                let keys = try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now)
                try expectOneActiveAndOneNext(keys)
                let winner = try #require(results.first { $0.won })
                let loser = try #require(results.first { !$0.won })
                #expect(keys.first { $0.state == .next }?.kid == winner.kid)
                #expect(keys.contains { $0.kid == loser.kid } == false)
                #expect(keys.filter { $0.state == .retired }.count == round + 1)
                active = try #require(keys.first { $0.state == .active })
            }
        }
    }

    @Test("keys(now:) omits retired keys whose expiry has passed and keeps the others", arguments: StorageEngine.available)
    func expiry(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (first, _) = try await initialKeys(.es256, in: storage)
            #expect(
                try await storage.signingKeys.rotate(
                    appID: Fixture.poll, algorithm: .es256, activeKid: first.kid, retiredExpiresAt: Fixture.now + 100,
                    newNext: Fixture.signingKey(.es256, state: .next)))
            let second = try #require(try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now).first { $0.state == .active })
            #expect(
                try await storage.signingKeys.rotate(
                    appID: Fixture.poll, algorithm: .es256, activeKid: second.kid, retiredExpiresAt: Fixture.now + 200,
                    newNext: Fixture.signingKey(.es256, state: .next)))

            func kids(at now: Int64) async throws -> Set<String> {
                Set(try await storage.signingKeys.keys(appID: Fixture.poll, now: now).filter { $0.state == .retired }.map(\.kid))
            }
            #expect(try await kids(at: Fixture.now + 99) == [first.kid, second.kid])
            #expect(try await kids(at: Fixture.now + 100) == [second.kid])
            #expect(try await kids(at: Fixture.now + 199) == [second.kid])
            #expect(try await kids(at: Fixture.now + 200) == [])
            let late = try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now + 10 * 365 * 86_400)
            #expect(late.count == 2)
            try expectOneActiveAndOneNext(late)
        }
    }

    @Test("Through many rotations an algorithm has one active and one next key, and the others stay untouched", arguments: StorageEngine.available)
    func manyRotations(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            _ = try await initialKeys(.es256, in: storage)
            let (rsActive, rsNext) = try await initialKeys(.rs256, in: storage)
            for round in 1...8 {
                let keys = try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now)
                let active = try #require(keys.first { $0.algorithm == .es256 && $0.state == .active })
                #expect(
                    try await storage.signingKeys.rotate(
                        appID: Fixture.poll, algorithm: .es256, activeKid: active.kid,
                        retiredExpiresAt: Fixture.now + 86_400, newNext: Fixture.signingKey(.es256, state: .next)))
                let after = try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now)
                try expectOneActiveAndOneNext(after)
                #expect(after.filter { $0.algorithm == .es256 && $0.state == .retired }.count == round)
                #expect(after.filter { $0.algorithm == .rs256 }.byKid == [rsActive, rsNext].byKid)
            }
        }
    }

    @Test("endPublication ends a retired key's publication now and refuses active, next, other apps' and ended keys", arguments: StorageEngine.available)
    func endPublication(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let (active, next) = try await initialKeys(.es256, in: storage)
            let newNext = Fixture.signingKey(.es256, state: .next)
            #expect(
                try await storage.signingKeys.rotate(
                    appID: Fixture.poll, algorithm: .es256, activeKid: active.kid, retiredExpiresAt: Fixture.now + 86_400,
                    newNext: newNext))
            for kid in [next.kid, newNext.kid, Fixture.kid()] {
                #expect(try await storage.signingKeys.endPublication(appID: Fixture.poll, kid: kid, at: Fixture.now + 10) == false)
            }
            try await storage.configuration.save(Fixture.app(Fixture.quiz))
            #expect(try await storage.signingKeys.endPublication(appID: Fixture.quiz, kid: active.kid, at: Fixture.now + 10) == false)
            #expect(try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now + 10).count == 3)

            #expect(try await storage.signingKeys.endPublication(appID: Fixture.poll, kid: active.kid, at: Fixture.now + 10))
            let kept = try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now + 10)
            #expect(Set(kept.map(\.kid)) == [next.kid, newNext.kid])
            try expectOneActiveAndOneNext(kept)
            #expect(try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now + 9).contains { $0.kid == active.kid })
            #expect(try await storage.signingKeys.endPublication(appID: Fixture.poll, kid: active.kid, at: Fixture.now + 11) == false)
        }
    }

    /// Saves the app and inserts the initial keys of `algorithm`.
    private func initialKeys(_ algorithm: SigningAlgorithm, in storage: any TelegateStorage) async throws
        -> (active: StoredSigningKey, next: StoredSigningKey)
    {
        if try await storage.configuration.app(Fixture.poll) == nil { try await storage.configuration.save(Fixture.app()) }
        let active = Fixture.signingKey(algorithm, state: .active)
        let next = Fixture.signingKey(algorithm, state: .next)
        #expect(try await storage.signingKeys.insertInitial(active: active, next: next))
        return (active, next)
    }

    /// Every algorithm present has exactly one active and exactly one next key.
    private func expectOneActiveAndOneNext(_ keys: [StoredSigningKey], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for algorithm in Set(keys.map(\.algorithm)) {
            let states = keys.filter { $0.algorithm == algorithm }.map(\.state)
            #expect(states.filter { $0 == .active }.count == 1, "\(algorithm)", sourceLocation: sourceLocation)
            #expect(states.filter { $0 == .next }.count == 1, "\(algorithm)", sourceLocation: sourceLocation)
        }
    }
}

extension Array where Element == StoredSigningKey {
    /// The keys in kid order, for comparisons that do not depend on the order a store lists them in.
    var byKid: [StoredSigningKey] { sorted { $0.kid < $1.kid } }
}
