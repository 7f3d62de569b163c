import Synchronization
import TelegateCore
import TelegateIssuer
import TelegramAuth
import Testing

/// Two instances whose own clocks are five minutes either side of the database's, sharing one database: with the
/// database-corrected clock they agree on every time they store and compare.
@Suite("Clock skew between instances")
struct ClockSkewTests {
    /// The database's clock, moved by hand, and an instance clock `skew` seconds off it.
    final class Clocks: Sendable {
        private let database = Mutex(Fixture.now)
        var databaseNow: Int64 { database.withLock { $0 } }
        func advance(_ seconds: Int64) { database.withLock { $0 += seconds } }

        /// An instance whose clock reads `skew` seconds later than the database's, corrected by measuring it.
        func instance(skew: Int64) async -> DatabaseClock {
            let clock = DatabaseClock(local: WallClock { [self] in databaseNow + skew }, read: { [self] in Double(databaseNow) })
            await clock.measure()
            return clock
        }
    }

    private static let secretBox = SecretBox(masterKey: MasterKey.generate().key)

    private static func service(_ storage: any TelegateStorage, _ clock: DatabaseClock) -> RefreshTokenService {
        RefreshTokenService(store: storage.refreshTokens, clock: clock.wallClock, secretBox: secretBox, graceWindow: 30)
    }

    private static func successor(_ outcome: Result<RefreshTokenService.Rotation, RefreshTokenService.Refusal>) -> String? {
        if case .success(let rotation) = outcome { rotation.token } else { nil }
    }

    private static func isReuse(_ outcome: Result<RefreshTokenService.Rotation, RefreshTokenService.Refusal>) -> Bool {
        if case .failure(.reused) = outcome { true } else { false }
    }

    @Test("I10, F4: instance clocks 5 minutes ahead of and behind the database's: a two-tab refresh across them within the grace window works, either way round",
        arguments: StorageEngine.available)
    func twoTabsAcrossInstances(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let clocks = Clocks()
            let ahead = Self.service(storage, await clocks.instance(skew: 300))
            let behind = Self.service(storage, await clocks.instance(skew: -300))
            for (index, (first, second)) in [(ahead, behind), (behind, ahead)].enumerated() {
                let user = try await storage.seedUser(telegramID: 6_000_000_000 + Int64(index))
                let token = try first.issue(appID: user.appID, userID: user.id, adapter: Fixture.convex, ttl: 3600, absoluteTTL: 86_400).token
                let tabA = try #require(Self.successor(try await first.rotate(token, appID: Fixture.poll) { _ in 3600 }))
                clocks.advance(10)
                let tabB = try #require(Self.successor(try await second.rotate(token, appID: Fixture.poll) { _ in 3600 }))
                #expect(tabA == tabB)
                clocks.advance(600)
                #expect(Self.successor(try await second.rotate(tabA, appID: Fixture.poll) { _ in 3600 }) != nil)
            }
        }
    }

    @Test("I10, F3: instance clocks 5 minutes apart do not stretch the grace window: 31 s of database time after a rotation, another use on either instance is reuse",
        arguments: StorageEngine.available)
    func graceNotStretched(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let clocks = Clocks()
            let ahead = Self.service(storage, await clocks.instance(skew: 300))
            let behind = Self.service(storage, await clocks.instance(skew: -300))
            for (index, (first, second)) in [(ahead, behind), (behind, ahead)].enumerated() {
                let user = try await storage.seedUser(telegramID: 6_000_000_000 + Int64(index))
                let token = try first.issue(appID: user.appID, userID: user.id, adapter: Fixture.convex, ttl: 3600, absoluteTTL: 86_400).token
                #expect(Self.successor(try await first.rotate(token, appID: Fixture.poll) { _ in 3600 }) != nil)
                clocks.advance(31)
                #expect(Self.isReuse(try await second.rotate(token, appID: Fixture.poll) { _ in 3600 }))
            }
        }
    }

    @Test("The corrected clock is the database's time, never ahead of it, even when the reading takes a while")
    func correctedClockNeverAhead() async {
        // Each read of this process's clock finds it 0.4 s later, as if the database answered slowly.
        let local = Mutex<Double>(Double(Fixture.now) + 0.25)
        let localClock = WallClock(precise: { local.withLock { $0 += 0.4; return $0 } })
        let databaseOffset = -299.9
        let clock = DatabaseClock(local: localClock, read: { local.withLock { $0 } + databaseOffset })
        #expect(clock.skew == 0)
        let measured = await clock.measure()
        #expect(measured == clock.skew)
        #expect(clock.skew <= databaseOffset && clock.skew > databaseOffset - 1)
        for _ in 0..<5 {
            let now = clock.wallClock.now
            let databaseNow = local.withLock { $0 } + databaseOffset
            #expect(Double(now) <= databaseNow)
        }
    }

    @Test("An engine sharing this process's clock gives no offset; a failed reading keeps the last one")
    func readings() async {
        let reading = Mutex<Double?>(Double(Fixture.now + 120))
        let fails = Mutex(false)
        let clock = DatabaseClock(local: .fixed(Fixture.now)) {
            if fails.withLock({ $0 }) { throw PostgresUnavailable() }
            return reading.withLock { $0 }
        }
        #expect(await clock.measure() == 120)
        #expect(clock.wallClock.now == Fixture.now + 120)
        fails.withLock { $0 = true }
        #expect(await clock.measure() == nil)
        #expect(clock.skew == 120)
        fails.withLock { $0 = false }
        reading.withLock { $0 = nil }
        #expect(await clock.measure() == 0)
        #expect(clock.wallClock.now == Fixture.now)
    }
}
