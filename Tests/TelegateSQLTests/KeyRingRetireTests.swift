import StrictJSON
import Synchronization
import TelegateCore
import TelegateIssuer
import TelegramAuth
import Testing

@Suite("Key ring retirement")
struct KeyRingRetireTests {
    @Test("Retiring a retired key: gone from this instance's JWKS at once, from another's at its next reload; its tokens stop verifying", arguments: StorageEngine.available)
    func retireAcrossInstances(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())
            let now = Mutex(Fixture.now)
            let box = SecretBox(masterKey: MasterKey.generate().key)
            func ring() -> KeyRing {
                KeyRing(
                    appID: Fixture.poll, store: storage.signingKeys, box: box, clock: WallClock { now.withLock { $0 } },
                    refreshInterval: 30)
            }
            let (a, b) = (ring(), ring())
            try await a.ensure([.es256])
            let old = try await a.signer(for: .es256)
            let token = try old.sign(claims: .object([("sub", .string("usr_1"))]), type: "JWT")
            try await a.rotate(retiredKeyLifetime: 3600)
            func kids(_ ring: KeyRing) async throws -> Set<String> {
                Set(try await ring.jwks()["keys"]?.arrayElements?.compactMap { $0["kid"]?.stringValue } ?? [])
            }
            #expect(try await kids(b).contains(old.kid))
            #expect(try await b.verified(token) != nil)

            await #expect(throws: TelegateError.self) { try await a.retire(try await a.signer(for: .es256).kid) }
            let retired = try await a.retire(old.kid)
            #expect(retired.kid == old.kid && retired.expiresAt == Fixture.now)
            #expect(try await kids(a).contains(old.kid) == false)
            #expect(try await a.verified(token) == nil)

            now.withLock { $0 += 29 }
            #expect(try await kids(b).contains(old.kid), "another instance keeps it until its ring is reloaded")
            now.withLock { $0 += 2 }
            #expect(try await kids(b).contains(old.kid) == false)
            #expect(try await b.verified(token) == nil)
            #expect(try await kids(b).count == 2, "the active key and its successor stay")
        }
    }
}
