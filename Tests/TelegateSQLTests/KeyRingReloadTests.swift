import Synchronization
import TelegateCore
import TelegateIssuer
import TelegramAuth
import Testing

/// A signing-key store that counts the reads of the key ring.
private final class CountingKeyStore: SigningKeyStore {
    let base: any SigningKeyStore
    private let reads = Atomic<Int>(0)

    init(_ base: any SigningKeyStore) { self.base = base }

    var readCount: Int { reads.load(ordering: .relaxed) }

    func keys(appID: AppID, now: Int64) async throws -> [StoredSigningKey] {
        reads.add(1, ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(20))  // a database round trip under load
        return try await base.keys(appID: appID, now: now)
    }

    func insertInitial(active: StoredSigningKey, next: StoredSigningKey) async throws -> Bool {
        try await base.insertInitial(active: active, next: next)
    }

    func rotate(appID: AppID, algorithm: SigningAlgorithm, activeKid: String, retiredExpiresAt: Int64, newNext: StoredSigningKey)
        async throws -> Bool
    {
        try await base.rotate(appID: appID, algorithm: algorithm, activeKid: activeKid, retiredExpiresAt: retiredExpiresAt, newNext: newNext)
    }

    func endPublication(appID: AppID, kid: String, at: Int64) async throws -> Bool {
        try await base.endPublication(appID: appID, kid: kid, at: at)
    }
}

@Suite("Key ring reloads")
struct KeyRingReloadTests {
    @Test("When the ring goes stale under load, 100 concurrent signers share one read of the keys")
    func staleRingIsReadOnce() async throws {
        try await withStorage(.sqlite) { storage in
            try await storage.configuration.save(Fixture.app())
            let now = Mutex(Fixture.now)
            let store = CountingKeyStore(storage.signingKeys)
            let ring = KeyRing(
                appID: Fixture.poll, store: store, box: SecretBox(masterKey: MasterKey.generate().key),
                clock: WallClock { now.withLock { $0 } }, refreshInterval: 30)
            try await ring.ensure([.es256])
            let kid = try await ring.signer(for: .es256).kid
            let before = store.readCount

            now.withLock { $0 += 31 }
            let kids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<100 { group.addTask { try await ring.signer(for: .es256).kid } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(kids == [kid])
            #expect(store.readCount - before == 1)
        }
    }
}
