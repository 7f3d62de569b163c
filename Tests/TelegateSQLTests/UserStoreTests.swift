import TelegateCore
import TelegramAuth
import Testing

@Suite("User store")
struct UserStoreTests {
    @Test("insertIfAbsent inserts a first login once and afterwards returns the stored user", arguments: StorageEngine.available)
    func insertOnce(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            let first = Fixture.user()
            let inserted = try await storage.users.insertIfAbsent(first)
            #expect(inserted.inserted)
            #expect(inserted.user == first)

            let later = Fixture.user(profile: Fixture.profile("Vlad", username: "vlad"), authDate: Fixture.now, at: Fixture.now + 30)
            let again = try await storage.users.insertIfAbsent(later)
            #expect(again.inserted == false)
            #expect(again.user == first)
            #expect(try await storage.users.user(id: later.id) == nil)
        }
    }

    @Test("I1: 50 concurrent first logins of one Telegram user insert exactly one row", arguments: StorageEngine.available)
    func concurrentFirstLogins(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            let candidates = (0..<50).map { _ in Fixture.user() }
            #expect(Set(candidates.map(\.id)).count == 50)
            let outcomes = try await withThrowingTaskGroup(of: (user: UserRecord, inserted: Bool).self) { group in
                for candidate in candidates { group.addTask { try await storage.users.insertIfAbsent(candidate) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.count == 50)
            #expect(outcomes.filter(\.inserted).count == 1)
            let winner = try #require(outcomes.first { $0.inserted }?.user)
            #expect(outcomes.allSatisfy { $0.user == winner })
            #expect(candidates.contains(winner))
            #expect(try await storage.users.user(appID: Fixture.poll, telegramID: winner.telegramID) == winner)
            for loser in candidates where loser.id != winner.id {
                #expect(try await storage.users.user(id: loser.id) == nil)
            }
        }
    }

    @Test("J3: the same Telegram user in two apps is two users", arguments: StorageEngine.available)
    func onePerApp(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app(Fixture.poll))
            try await storage.configuration.save(Fixture.app(Fixture.quiz))
            let inPoll = try await storage.users.insertIfAbsent(Fixture.user(Fixture.poll))
            let inQuiz = try await storage.users.insertIfAbsent(Fixture.user(Fixture.quiz))
            #expect(inPoll.inserted && inQuiz.inserted)
            #expect(inPoll.user.id != inQuiz.user.id)
            #expect(try await storage.users.user(appID: Fixture.poll, telegramID: 279_058_397) == inPoll.user)
            #expect(try await storage.users.user(appID: Fixture.quiz, telegramID: 279_058_397) == inQuiz.user)
        }
    }

    @Test("A user is found by id and by app and Telegram id; unknown ones are nil", arguments: StorageEngine.available)
    func lookups(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            let full = try await storage.users.insertIfAbsent(Fixture.user(telegramID: 279_058_397)).user
            let minimal = Fixture.user(
                telegramID: 6_543_210_987, profile: UserProfile(firstName: "Ana"), authDate: Fixture.now - 5)
            #expect(try await storage.users.insertIfAbsent(minimal).inserted)

            #expect(try await storage.users.user(id: full.id) == full)
            #expect(try await storage.users.user(id: minimal.id) == minimal)
            #expect(try await storage.users.user(appID: Fixture.poll, telegramID: 279_058_397) == full)
            #expect(try await storage.users.user(appID: Fixture.poll, telegramID: 6_543_210_987) == minimal)

            #expect(try await storage.users.user(id: UserID.generate(milliseconds: 1_790_000_000_000)) == nil)
            #expect(try await storage.users.user(appID: Fixture.poll, telegramID: 42) == nil)
            #expect(try await storage.users.user(appID: Fixture.quiz, telegramID: 279_058_397) == nil)
        }
    }

    @Test("recordLogin applies a profile as new as the stored one or newer, and ignores an older one", arguments: StorageEngine.available)
    func updateProfileByAuthDate(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            let user = try await storage.users.insertIfAbsent(Fixture.user(authDate: Fixture.now - 60)).user

            let renamed = UserProfile(firstName: "Vlad", username: "vlad_k", languageCode: "en", allowsWriteToPM: true)
            try await storage.users.recordLogin(id: user.id, Self.login(Fixture.now + 1), profile: (renamed, Fixture.now))
            var expected = user
            expected.profile = renamed
            expected.profileAuthDate = Fixture.now
            expected.updatedAt = Fixture.now + 1
            expected.lastLogin = Self.login(Fixture.now + 1)
            #expect(try await storage.users.user(id: user.id) == expected)

            let sameDate = Fixture.profile("Vladislav", username: "vdkfrost")
            try await storage.users.recordLogin(id: user.id, Self.login(Fixture.now + 2), profile: (sameDate, Fixture.now))
            expected.profile = sameDate
            expected.updatedAt = Fixture.now + 2
            expected.lastLogin = Self.login(Fixture.now + 2)
            #expect(try await storage.users.user(id: user.id) == expected)

            // An older proof leaves the profile alone; the login is still recorded.
            try await storage.users.recordLogin(
                id: user.id, Self.login(Fixture.now + 3, .widget), profile: (UserProfile(firstName: "Stale"), Fixture.now - 1))
            expected.lastLogin = Self.login(Fixture.now + 3, .widget)
            #expect(try await storage.users.user(id: user.id) == expected)

            let unknown = UserID.generate(milliseconds: 1_790_000_000_000)
            try await storage.users.recordLogin(id: unknown, Self.login(Fixture.now), profile: (renamed, Fixture.now))
            #expect(try await storage.users.user(id: unknown) == nil)
        }
    }

    @Test("recordLogin alone records the login, never moves it back, and leaves the profile and updatedAt", arguments: StorageEngine.available)
    func loginOnly(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            #expect(user.lastLogin == nil)
            try await storage.users.recordLogin(id: user.id, Self.login(Fixture.now + 600, .telegramOIDC), profile: nil)
            var expected = user
            expected.lastLogin = Self.login(Fixture.now + 600, .telegramOIDC)
            #expect(try await storage.users.user(id: user.id) == expected)

            try await storage.users.recordLogin(id: user.id, Self.login(Fixture.now + 300), profile: nil)
            #expect(try await storage.users.user(id: user.id) == expected)
        }
    }

    @Test("A user's allows_write_to_pm and last login survive the round trip through the database", arguments: StorageEngine.available)
    func newFieldsRoundTrip(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            var profile = Fixture.profile()
            profile.allowsWriteToPM = true
            var candidate = Fixture.user(profile: profile)
            candidate.lastLogin = Self.login(Fixture.now, .widget)
            #expect(try await storage.users.insertIfAbsent(candidate).inserted)
            #expect(try await storage.users.user(id: candidate.id) == candidate)
        }
    }

    @Test("Of 30 concurrent profile updates the proof with the newest auth date wins", arguments: StorageEngine.available)
    func concurrentProfileUpdates(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let authDates = (1...30).map { Fixture.now + Int64($0) }.shuffled()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for authDate in authDates {
                    group.addTask {
                        try await storage.users.recordLogin(
                            id: user.id, Self.login(Fixture.now + 100),
                            profile: (UserProfile(firstName: "Name \(authDate)"), authDate))
                    }
                }
                try await group.waitForAll()
            }
            let stored = try #require(try await storage.users.user(id: user.id))
            #expect(stored.profileAuthDate == Fixture.now + 30)
            #expect(stored.profile == UserProfile(firstName: "Name \(Fixture.now + 30)"))
        }
    }

    @Test("Pages of users follow each other without gaps or repeats, also within one second and for a username", arguments: StorageEngine.available)
    func paging(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            try await storage.configuration.save(Fixture.app(Fixture.quiz))
            var inserted: [UserRecord] = []
            for index in 0..<23 {
                // Several users share each second, so the id has to break ties.
                let user = Fixture.user(
                    telegramID: 10_000 + Int64(index), profile: Fixture.profile(username: index.isMultiple(of: 3) ? "Same" : "u\(index)"),
                    at: Fixture.now + Int64(index / 4))
                #expect(try await storage.users.insertIfAbsent(user).inserted)
                inserted.append(user)
            }
            _ = try await storage.users.insertIfAbsent(Fixture.user(Fixture.quiz, telegramID: 10_000))
            let newestFirst = inserted.sorted { ($0.createdAt, $0.id.rawValue) > ($1.createdAt, $1.id.rawValue) }

            for username in [nil, "same"] as [String?] {
                var seen: [UserRecord] = []
                var cursor: UserCursor?
                while true {
                    let page = try await storage.users.users(appID: Fixture.poll, username: username, after: cursor, limit: 5)
                    seen += page
                    guard page.count == 5, let last = page.last else { break }
                    cursor = UserCursor(opaque: UserCursor(after: last).opaque)
                    #expect(cursor == UserCursor(after: last))
                }
                let expected = newestFirst.filter { username == nil || $0.profile.username == "Same" }
                #expect(seen.map(\.id) == expected.map(\.id), "\(username ?? "all")")
            }
        }
    }

    static func login(_ at: Int64, _ proof: TelegramIdentity.Proof = .initData) -> UserLogin {
        UserLogin(at: at, proof: proof)
    }

    @Test("A write that fails does not undo concurrent writes", arguments: StorageEngine.available)
    func failureIsolated(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            let missingApp = AppID(rawValue: "not-saved")!
            let candidates = (0..<40).map { index in
                Fixture.user(index.isMultiple(of: 2) ? Fixture.poll : missingApp, telegramID: 1_000_000 + Int64(index))
            }
            let outcomes = await withTaskGroup(of: (UserRecord, Bool).self) { group in
                for candidate in candidates {
                    group.addTask { (candidate, (try? await storage.users.insertIfAbsent(candidate))?.inserted == true) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for (candidate, inserted) in outcomes {
                let stored = try await storage.users.user(id: candidate.id)
                if candidate.appID == Fixture.poll {
                    #expect(inserted)
                    #expect(stored == candidate)
                } else {
                    #expect(inserted == false)
                    #expect(stored == nil)
                }
            }
        }
    }

    @Test("setStatus disables and re-enables a user, and is false for an unknown id", arguments: StorageEngine.available)
    func setStatus(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            #expect(try await storage.users.setStatus(id: user.id, status: .disabled, at: Fixture.now + 10))
            var expected = user
            expected.status = .disabled
            expected.updatedAt = Fixture.now + 10
            #expect(try await storage.users.user(id: user.id) == expected)

            #expect(try await storage.users.setStatus(id: user.id, status: .active, at: Fixture.now + 20))
            expected.status = .active
            expected.updatedAt = Fixture.now + 20
            #expect(try await storage.users.user(id: user.id) == expected)

            let unknown = UserID.generate(milliseconds: 1_790_000_000_000)
            #expect(try await storage.users.setStatus(id: unknown, status: .disabled, at: Fixture.now) == false)
        }
    }
}
