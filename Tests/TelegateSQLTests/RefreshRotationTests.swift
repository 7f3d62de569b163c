import Synchronization
import TelegateCore
import TelegateIssuer
import TelegramAuth
import Testing

/// The rotation rules of the refresh-token service on each engine: a token has one successor, however many
/// requests present it at once, and a rotated token may be used once more within the grace window, no more.
@Suite("Refresh token rotation")
struct RefreshRotationTests {
    typealias Outcome = Result<RefreshTokenService.Rotation, RefreshTokenService.Refusal>

    private static let secretBox = SecretBox(masterKey: MasterKey.generate().key)

    /// A clock the tests move by hand.
    final class ManualClock: Sendable {
        private let seconds = Mutex(Fixture.now)
        var now: Int64 { seconds.withLock { $0 } }
        func advance(_ delta: Int64) { seconds.withLock { $0 += delta } }
        var wallClock: WallClock { WallClock { [self] in now } }
    }

    private static func service(_ storage: any TelegateStorage, clock: WallClock) -> RefreshTokenService {
        RefreshTokenService(store: storage.refreshTokens, clock: clock, secretBox: secretBox, graceWindow: 30)
    }

    /// The first token of a new session of a new user.
    private static func firstToken(
        _ storage: any TelegateStorage, _ service: RefreshTokenService, telegramID: Int64 = 279_058_397
    ) async throws -> (token: String, user: UserRecord) {
        let user = try await storage.seedUser(telegramID: telegramID)
        let token = try service.issue(appID: user.appID, userID: user.id, adapter: Fixture.convex, ttl: 3600, absoluteTTL: 86_400).token
        return (token, user)
    }

    private static func rotate(_ service: RefreshTokenService, _ token: String) async throws -> Outcome {
        try await service.rotate(token, appID: Fixture.poll) { _ in 3600 }
    }

    private static func successor(_ outcome: Outcome) -> String? {
        if case .success(let rotation) = outcome { rotation.token } else { nil }
    }

    private static func isReuse(_ outcome: Outcome) -> Bool {
        if case .failure(.reused) = outcome { true } else { false }
    }

    private static func isInvalid(_ outcome: Outcome) -> Bool {
        if case .failure(.invalid) = outcome { true } else { false }
    }

    @Test("F4: 20 concurrent uses of one refresh token give at most two successes, both with the same successor; the rest are refused, one use reports the reuse, and the family is revoked",
        arguments: StorageEngine.available, [false, true])
    func concurrentUses(engine: StorageEngine, rotatedBefore: Bool) async throws {
        try await withStorage(engine) { storage in
            let clock = ManualClock()
            let service = Self.service(storage, clock: clock.wallClock)
            let (first, user) = try await Self.firstToken(storage, service)
            var token = first
            if rotatedBefore {
                // A stored token (the first one is not stored until its first use).
                token = try #require(Self.successor(try await Self.rotate(service, token)))
                clock.advance(60)
            }
            let presented = token
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                for _ in 0..<20 { group.addTask { try await Self.rotate(service, presented) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let successors = outcomes.compactMap(Self.successor)
            #expect((1...2).contains(successors.count), "\(successors.count) successes")
            #expect(Set(successors).count == 1)
            #expect(outcomes.filter(Self.isReuse).count == 1)
            #expect(successors.count + outcomes.filter(Self.isReuse).count + outcomes.filter(Self.isInvalid).count == 20)
            #expect(try await storage.refreshTokens.families(userID: user.id).map(\.revokeReason) == ["reuse_detected"])
            let next = try #require(successors.first)
            #expect(Self.isInvalid(try await Self.rotate(service, next)))
        }
    }

    @Test("A rotated token used once more within the grace window gets the same successor; a third use revokes the family", arguments: StorageEngine.available)
    func thirdUseRevokes(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let clock = ManualClock()
            let service = Self.service(storage, clock: clock.wallClock)
            let first = try await Self.firstToken(storage, service).token
            let tabA = try #require(Self.successor(try await Self.rotate(service, first)))
            clock.advance(10)
            let tabB = try #require(Self.successor(try await Self.rotate(service, first)))
            #expect(tabA == tabB)
            clock.advance(1)
            #expect(Self.isReuse(try await Self.rotate(service, first)), "a third use of a rotated token is reuse")
            #expect(Self.isInvalid(try await Self.rotate(service, tabA)))
        }
    }

    @Test("The grace answer carries the successor's stored expiry, and a later token's grace works the same way", arguments: StorageEngine.available)
    func graceKeepsExpiry(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let clock = ManualClock()
            let service = Self.service(storage, clock: clock.wallClock)
            let first = try await Self.firstToken(storage, service).token
            let second = try #require(Self.successor(try await Self.rotate(service, first)))
            clock.advance(600)
            guard case .success(let rotation) = try await Self.rotate(service, second) else {
                Issue.record("a live token did not rotate")
                return
            }
            clock.advance(29)
            guard case .success(let again) = try await Self.rotate(service, second) else {
                Issue.record("the grace use was refused")
                return
            }
            #expect(again.token == rotation.token)
            #expect(again.expiresAt == rotation.expiresAt)
            #expect(Self.successor(try await Self.rotate(service, again.token)) != nil)
        }
    }

    @Test("Using a rotated token after the grace window, or after its successor was rotated, revokes the family", arguments: StorageEngine.available)
    func outsideGrace(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let clock = ManualClock()
            let service = Self.service(storage, clock: clock.wallClock)
            let late = try await Self.firstToken(storage, service).token
            let lateNext = try #require(Self.successor(try await Self.rotate(service, late)))
            clock.advance(31)
            #expect(Self.isReuse(try await Self.rotate(service, late)), "a use after the grace window is reuse")
            #expect(Self.isInvalid(try await Self.rotate(service, lateNext)))

            let early = try await Self.firstToken(storage, service, telegramID: 5_000_000_001).token
            let earlyNext = try #require(Self.successor(try await Self.rotate(service, early)))
            let earlyLatest = try #require(Self.successor(try await Self.rotate(service, earlyNext)))
            #expect(Self.isReuse(try await Self.rotate(service, early)), "a use after the successor rotated is reuse")
            #expect(Self.isInvalid(try await Self.rotate(service, earlyLatest)))
        }
    }
}
