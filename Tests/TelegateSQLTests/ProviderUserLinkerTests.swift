import Logging
import ProviderKit
import Synchronization
import TelegateCore
import TelegramAuth
import Testing

/// A provider that, like Clerk and Logto, refuses a second user for the same local user (its owner key is the local
/// user id), counts its calls, and can be told to answer about somebody else's user.
private final class RecordingDirectory: ProviderUserDirectory {
    /// Ways the provider can be wrong about whose user is whose.
    enum Misbehaviour: Sendable {
        /// A creation returns somebody else's user.
        case createsForeign
        /// A creation answers "already exists" and creates nothing; the lookup finds somebody else's user.
        case duplicateThenFindsForeign
    }

    /// Somebody else's user at the provider.
    static let foreign = ProviderAccount(id: "user_foreign", owner: "usr_someone_else")

    private struct State {
        var users: [UserID: String] = [:]
        var creates = 0
        var finds = 0
        var adopted: [String] = []
        var misbehaviour: Misbehaviour?
    }
    private let state = Mutex(State())

    var creates: Int { state.withLock { $0.creates } }
    var finds: Int { state.withLock { $0.finds } }
    var userCount: Int { state.withLock { $0.users.count } }
    /// The ids of the users ``adopt(_:for:)`` was given, in order.
    var adopted: [String] { state.withLock { $0.adopted } }

    /// Makes the provider misbehave from now on, or (`nil`) behave again.
    func misbehave(_ misbehaviour: Misbehaviour?) { state.withLock { $0.misbehaviour = misbehaviour } }

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

    func owner(of user: UserRecord) -> String { user.id.rawValue }

    func create(for user: UserRecord) async throws -> ProviderUserCreation {
        try await Task.sleep(for: .milliseconds(5))
        return state.withLock { state in
            state.creates += 1
            switch state.misbehaviour {
            case .createsForeign: return .created(Self.foreign)
            case .duplicateThenFindsForeign: return .alreadyExists
            case nil: break
            }
            if state.users[user.id] != nil { return .alreadyExists }
            let id = "user_\(state.creates)"
            state.users[user.id] = id
            return .created(ProviderAccount(id: id, owner: user.id.rawValue))
        }
    }

    func find(for user: UserRecord) async throws -> ProviderAccount? {
        state.withLock { state in
            state.finds += 1
            if state.misbehaviour == .duplicateThenFindsForeign { return Self.foreign }
            return state.users[user.id].map { ProviderAccount(id: $0, owner: user.id.rawValue) }
        }
    }

    func adopt(_ account: VerifiedProviderAccount, for user: UserRecord) async throws {
        state.withLock { $0.adopted.append(account.id) }
    }
}

/// A directory whose creations send a profile (as Clerk's carry metadata): its digest is that of what was sent.
private struct ProfileSendingDirectory: ProviderUserDirectory {
    let inner = RecordingDirectory()
    func owner(of user: UserRecord) -> String { inner.owner(of: user) }
    func create(for user: UserRecord) async throws -> ProviderUserCreation { try await inner.create(for: user) }
    func find(for user: UserRecord) async throws -> ProviderAccount? { try await inner.find(for: user) }
    func profileDigest(for user: UserRecord) -> String? { "sent-with-creation" }
}

@Suite("Provider user linker")
struct ProviderUserLinkerTests {
    private func linker(
        _ storage: any TelegateStorage, faults: FaultInjector = FaultInjector(), metrics: ExchangeMetrics = ExchangeMetrics()
    ) -> ProviderUserLinker {
        let clock = WallClock.fixed(Fixture.now)
        return ProviderUserLinker(
            appID: Fixture.poll, adapter: Fixture.clerk, provider: "Clerk", links: storage.links,
            audit: AuditLog(store: storage.audit, logger: Logger(label: "test"), clock: clock), clock: clock,
            faults: faults, metrics: metrics, logger: Logger(label: "test"))
    }

    /// The `provider.identity_mismatch` events recorded so far.
    private func mismatchEvents(_ storage: any TelegateStorage) async throws -> [AuditEvent] {
        try await storage.audit.events(appID: Fixture.poll, before: nil, limit: 50).filter { $0.action == "provider.identity_mismatch" }
    }

    @Test("A first login creates one provider user; a warm login reads the link without calling the provider",
        arguments: StorageEngine.available)
    func firstThenWarm(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let directory = RecordingDirectory()
            let linker = linker(storage)
            let first = try await linker.linkedUser(for: user, in: directory)
            #expect(first.link.state == .linked)
            #expect(first.accountID == "user_1")
            #expect(directory.adopted == ["user_1"])
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
                for _ in 0..<50 { group.addTask { try await linker.linkedUser(for: user, in: directory).accountID } }
                return try await group.reduce(into: Set<String?>()) { $0.insert($1) }
            }
            #expect(ids == ["user_1"])
            #expect(directory.creates == 1)
            #expect(directory.userCount == 1)
        }
    }

    @Test("I2: two linkers (two processes) racing on one user end with one provider user and one link",
        arguments: StorageEngine.available)
    func twoProcesses(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let directory = RecordingDirectory()
            let (a, b) = (linker(storage), linker(storage))
            async let fromA = a.linkedUser(for: user, in: directory)
            async let fromB = b.linkedUser(for: user, in: directory)
            let (linkA, linkB) = try await (fromA, fromB)
            #expect(linkA.accountID == linkB.accountID)
            #expect(directory.userCount == 1)
        }
    }

    @Test("H7: a crash after the provider created the user is repaired by a lookup, never a second user",
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
            #expect(repaired.link.state == .linked)
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
            #expect(link.accountID == existing)
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
            #expect(replaced.link.state == .linked)
            #expect(replaced.accountID != stale.accountID)
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
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.clerk, userID: user.id) == synced.link)
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

    @Test("A creation answered with somebody else's user is refused: 502 provider_identity_mismatch, nothing linked or set up, one audit event, counted",
        arguments: StorageEngine.available)
    func creationAnswersForeignUser(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let directory = RecordingDirectory()
            directory.misbehave(.createsForeign)
            let metrics = ExchangeMetrics()
            let linker = linker(storage, metrics: metrics)
            await #expect {
                try await linker.linkedUser(for: user, in: directory)
            } throws: { error in
                (error as? TelegateError).map { $0.code == .providerIdentityMismatch && $0.status == 502 } ?? false
            }
            let left = try #require(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.clerk, userID: user.id))
            #expect(left.state == .creating)
            #expect(left.externalID == nil, "no link to somebody else's user")
            #expect(directory.adopted.isEmpty, "nothing written to somebody else's user")

            let events = try await mismatchEvents(storage)
            #expect(events.count == 1)
            let event = try #require(events.first)
            #expect(event.target == "user:\(user.id.rawValue)")
            #expect(event.outcome == .failure)
            #expect(event.details["adapter"]?.stringValue == "clerk")
            #expect(event.details["step"]?.stringValue == "creation")
            #expect(event.details["expected"]?.stringValue == user.id.rawValue)
            #expect(event.details["reported"]?.stringValue == "usr_someone_else")
            #expect(event.details["account"]?.stringValue == "user_foreign")
            #expect(metrics.render().contains(#"telegate_provider_identity_mismatches_total{app="poll",adapter="clerk"} 1"#))

            directory.misbehave(nil)
            let linked = try await linker.linkedUser(for: user, in: directory)
            #expect(linked.accountID != RecordingDirectory.foreign.id)
            #expect(directory.adopted == [linked.accountID])
        }
    }

    @Test("A duplicate answer followed by somebody else's user in the lookup is refused the same way",
        arguments: StorageEngine.available)
    func duplicateThenForeignLookup(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = try await storage.seedUser()
            let directory = RecordingDirectory()
            directory.misbehave(.duplicateThenFindsForeign)
            await #expect(throws: TelegateError.self) { try await linker(storage).linkedUser(for: user, in: directory) }
            #expect((directory.creates, directory.finds) == (1, 1))
            let left = try await storage.links.link(appID: Fixture.poll, adapter: Fixture.clerk, userID: user.id)
            #expect(left?.externalID == nil)
            let events = try await mismatchEvents(storage)
            #expect(events.map { $0.details["step"]?.stringValue } == ["lookup"])

            // The next login looks up first (the row is still `creating`) and is refused again, never linked.
            await #expect(throws: TelegateError.self) { try await linker(storage).linkedUser(for: user, in: directory) }
            #expect(try await mismatchEvents(storage).count == 2)
            #expect(directory.adopted.isEmpty)
        }
    }

    @Test("A replacement for a user deleted out of band is verified like the first: somebody else's is refused")
    func relinkToForeignUser() async throws {
        try await withStorage(.sqlite) { storage in
            let user = try await storage.seedUser()
            let directory = RecordingDirectory()
            let linker = linker(storage)
            let stale = try await linker.linkedUser(for: user, in: directory)
            directory.deleteAll()
            directory.misbehave(.createsForeign)

            await #expect(throws: TelegateError.self) { try await linker.relink(stale, for: user, in: directory) }
            let left = try await storage.links.link(appID: Fixture.poll, adapter: Fixture.clerk, userID: user.id)
            #expect(left?.state == .creating)
            #expect(left?.externalID == nil)
            #expect(try await mismatchEvents(storage).count == 1)
        }
    }

    @Test("An answer given for a linked user is opened only when it names that user")
    func vouch() async throws {
        try await withStorage(.sqlite) { storage in
            let user = try await storage.seedUser()
            let metrics = ExchangeMetrics()
            let linker = linker(storage, metrics: metrics)
            let linked = try await linker.linkedUser(for: user, in: RecordingDirectory())
            #expect(try await linker.vouch(ProviderAnswer("ticket", about: linked.accountID), for: linked) == "ticket")
            #expect(try await mismatchEvents(storage).isEmpty)

            await #expect(throws: TelegateError.self) {
                try await linker.vouch(ProviderAnswer("ticket", about: "user_foreign"), for: linked, requestID: "req-1")
            }
            let event = try #require(try await mismatchEvents(storage).first)
            #expect(event.details["step"]?.stringValue == "answer")
            #expect(event.details["expected"]?.stringValue == linked.accountID)
            #expect(event.details["reported"]?.stringValue == "user_foreign")
            #expect(event.requestID == "req-1")
            #expect(metrics.render().contains(#"telegate_provider_identity_mismatches_total{app="poll",adapter="clerk"} 1"#))
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.clerk, userID: user.id) == linked.link)
        }
    }
}
