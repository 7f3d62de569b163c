import Logging
import Synchronization
import TelegateCore
import TelegramAuth
import Testing

/// A provider that, like Clerk and Logto, refuses a second user for the same local user, and counts its calls.
private final class RecordingDirectory: ProviderUserDirectory {
    private struct State {
        var users: [UserID: String] = [:]
        var creates = 0
        var finds = 0
    }
    private let state = Mutex(State())

    var creates: Int { state.withLock { $0.creates } }
    var finds: Int { state.withLock { $0.finds } }
    var userCount: Int { state.withLock { $0.users.count } }

    /// Creates a provider user behind Telegate's back, as a crash after the provider call leaves it.
    func preexisting(_ user: UserRecord) -> String {
        state.withLock { state in
            let id = "user_\(state.users.count + 1)"
            state.users[user.id] = id
            return id
        }
    }

    /// Deletes every provider user, as an out-of-band deletion does.
    func deleteAll() { state.withLock { $0.users.removeAll() } }

    func create(for user: UserRecord) async throws -> ProviderUserCreation {
        try await Task.sleep(for: .milliseconds(5))
        return state.withLock { state in
            state.creates += 1
            if state.users[user.id] != nil { return .alreadyExists }
            let id = "user_\(state.creates)"
            state.users[user.id] = id
            return .created(id)
        }
    }

    func find(for user: UserRecord) async throws -> String? {
        state.withLock { state in
            state.finds += 1
            return state.users[user.id]
        }
    }
}

/// A directory whose creations send a profile (as Clerk's carry metadata): its digest is that of what was sent.
private struct ProfileSendingDirectory: ProviderUserDirectory {
    let inner = RecordingDirectory()
    func create(for user: UserRecord) async throws -> ProviderUserCreation { try await inner.create(for: user) }
    func find(for user: UserRecord) async throws -> String? { try await inner.find(for: user) }
    func profileDigest(for user: UserRecord) -> String? { "sent-with-creation" }
}

@Suite("Provider user linker")
struct ProviderUserLinkerTests {
    private func linker(_ storage: any TelegateStorage, faults: FaultInjector = FaultInjector()) -> ProviderUserLinker {
        let clock = WallClock.fixed(Fixture.now)
        return ProviderUserLinker(
            appID: Fixture.poll, adapter: Fixture.clerk, provider: "Clerk", links: storage.links,
            audit: AuditLog(store: storage.audit, logger: Logger(label: "test"), clock: clock), clock: clock,
            faults: faults)
    }

    @Test("A first login creates one provider user; a warm login reads the link without calling the provider",
        arguments: StorageEngine.available)
    func firstThenWarm(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let directory = RecordingDirectory()
            let linker = linker(storage)
            let first = try await linker.linkedUser(for: user, in: directory)
            #expect(first.state == .linked)
            #expect(first.externalID == "user_1")
            #expect((directory.creates, directory.finds) == (1, 0))

            let warm = try await linker.linkedUser(for: user, in: directory)
            #expect(warm == first)
            #expect((directory.creates, directory.finds) == (1, 0))
        }
    }

    @Test("50 concurrent first logins of one user share one creation", arguments: StorageEngine.available)
    func concurrentFirstLogins(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let directory = RecordingDirectory()
            let linker = linker(storage)
            let ids = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<50 { group.addTask { try await linker.linkedUser(for: user, in: directory).externalID } }
                return try await group.reduce(into: Set<String?>()) { $0.insert($1) }
            }
            #expect(ids == ["user_1"])
            #expect(directory.creates == 1)
            #expect(directory.userCount == 1)
        }
    }

    @Test("Two linkers (two processes) racing on one user end with one provider user and one link",
        arguments: StorageEngine.available)
    func twoProcesses(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let directory = RecordingDirectory()
            let (a, b) = (linker(storage), linker(storage))
            async let fromA = a.linkedUser(for: user, in: directory)
            async let fromB = b.linkedUser(for: user, in: directory)
            let (linkA, linkB) = try await (fromA, fromB)
            #expect(linkA.externalID == linkB.externalID)
            #expect(directory.userCount == 1)
        }
    }

    @Test("A crash after the provider created the user is repaired by a lookup, never a second user",
        arguments: [FaultInjector.Point.afterCommitBeforeProvider, .afterProviderBeforeResponse])
    func crashRepair(point: FaultInjector.Point) async throws {
        try await withStorage(.sqlite) { storage in
            let user = try await storage.seedUser()
            let directory = RecordingDirectory()
            let faults = FaultInjector()
            faults.arm(point)
            await #expect(throws: TelegateError.self) { try await linker(storage, faults: faults).linkedUser(for: user, in: directory) }
            let left = try #require(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.clerk, userID: user.id))
            #expect(left.state == .creating)

            let repaired = try await linker(storage).linkedUser(for: user, in: directory)
            #expect(repaired.state == .linked)
            #expect(directory.userCount == 1)
            #expect(directory.creates == 1)
            #expect(directory.finds == 1)
        }
    }

    @Test("A provider user created by a process that died before linking is found, not duplicated")
    func preexistingUser() async throws {
        try await withStorage(.sqlite) { storage in
            let user = try await storage.seedUser()
            let directory = RecordingDirectory()
            let existing = directory.preexisting(user)
            let link = try await linker(storage).linkedUser(for: user, in: directory)
            // The link row was new, so the linker created; the provider refused the duplicate and the lookup linked.
            #expect(link.externalID == existing)
            #expect((directory.creates, directory.finds) == (1, 1))
            #expect(directory.userCount == 1)
        }
    }

    @Test("A provider user deleted out of band is re-created once and the replacement audited")
    func relink() async throws {
        try await withStorage(.sqlite) { storage in
            let user = try await storage.seedUser()
            let directory = RecordingDirectory()
            let linker = linker(storage)
            let stale = try await linker.linkedUser(for: user, in: directory)
            directory.deleteAll()

            let replaced = try await linker.relink(stale, for: user, in: directory)
            #expect(replaced.state == .linked)
            #expect(replaced.externalID != nil && replaced.externalID != stale.externalID)
            #expect(directory.userCount == 1)
            let events = try await storage.audit.events(appID: Fixture.poll, before: nil, limit: 10)
            #expect(events.contains { $0.action == "provider_user.recreated" })
        }
    }

    @Test("A synced profile digest is recorded on the link")
    func profileSync() async throws {
        try await withStorage(.sqlite) { storage in
            let user = try await storage.seedUser()
            let linker = linker(storage)
            let link = try await linker.linkedUser(for: user, in: RecordingDirectory())
            let synced = try await linker.recordProfileSync(link, digest: "d1")
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.clerk, userID: user.id) == synced)
            #expect(synced.syncedProfileDigest == "d1")
        }
    }

    @Test("A user created with its profile is linked with that profile's digest; a user found by lookup is not")
    func creationDigest() async throws {
        try await withStorage(.sqlite) { storage in
            let user = try await storage.seedUser()
            let created = try await linker(storage).linkedUser(for: user, in: ProfileSendingDirectory())
            #expect(created.syncedProfileDigest == "sent-with-creation")

            let other = try await storage.seedUser(telegramID: 424_242)
            let directory = ProfileSendingDirectory()
            _ = directory.inner.preexisting(other)
            let found = try await linker(storage).linkedUser(for: other, in: directory)
            #expect(found.syncedProfileDigest == nil, "what the provider holds is unknown: the next login syncs")
        }
    }
}
