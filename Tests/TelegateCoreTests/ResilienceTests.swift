@testable import ProviderKit
@testable import TelegateCore
import TelegateTesting
import Testing

@Suite("Circuit breaker and single flight")
struct ResilienceTests {
    @Test("The breaker opens after consecutive failures, lets one trial through after the pause, and closes on success")
    func breaker() {
        let clock = TestClock()
        let breaker = CircuitBreaker(failureThreshold: 3, openDuration: .seconds(10), clock: clock.wallClock)
        for _ in 0..<3 {
            #expect(breaker.allowsCall())
            breaker.recordFailure()
        }
        #expect(breaker.state == .open)
        #expect(!breaker.allowsCall())
        clock.advance(9)
        #expect(!breaker.allowsCall(), "the pause is not over")
        clock.advance(1)
        #expect(breaker.state == .halfOpen)
        #expect(breaker.allowsCall())
        #expect(!breaker.allowsCall(), "only one trial call in half-open state")
        breaker.recordFailure()
        #expect(breaker.state == .open)
        clock.advance(10)
        #expect(breaker.allowsCall())
        breaker.recordSuccess()
        #expect(breaker.state == .closed)
        #expect(breaker.allowsCall())
    }

    @Test("A clock set back while the breaker is open ends the pause instead of prolonging it")
    func clockSetBack() {
        let clock = TestClock()
        let breaker = CircuitBreaker(failureThreshold: 1, openDuration: .seconds(10), clock: clock.wallClock)
        breaker.recordFailure()
        #expect(!breaker.allowsCall())
        clock.advance(-3600)
        #expect(breaker.allowsCall(), "one trial call")
        #expect(!breaker.allowsCall())
        breaker.recordFailure()
        #expect(!breaker.allowsCall(), "the pause starts again at the new reading")
    }

    @Test("A success in between resets the failure count")
    func successResets() {
        let breaker = CircuitBreaker(failureThreshold: 3)
        breaker.recordFailure()
        breaker.recordFailure()
        breaker.recordSuccess()
        breaker.recordFailure()
        breaker.recordFailure()
        #expect(breaker.state == .closed)
    }

    @Test("Concurrent callers with the same key share one execution")
    func singleFlight() async throws {
        let group = SingleFlight<String, Int>()
        let counter = Counter()
        let gate = Gate()
        let (arrivals, arrival) = AsyncStream.makeStream(of: Void.self)
        let results = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for _ in 0..<50 {
                tasks.addTask {
                    try await group.run("user-1", onArrival: { arrival.yield() }) {
                        await counter.increment()
                        await gate.wait()
                        return 7
                    }
                }
            }
            // The execution ends only once every caller has started or joined it, however late a caller is scheduled.
            var arrived = 0
            for await _ in arrivals {
                arrived += 1
                if arrived == 50 { break }
            }
            await gate.open()
            return try await tasks.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 50)
        #expect(results.allSatisfy { $0 == 7 })
        #expect(await counter.value == 1)
    }
}

extension SingleFlight {
    /// ``run(_:_:)``, calling `onArrival` on the actor just before: by the time the arrival is seen, the caller has
    /// started the execution or joined the one under way (the two happen in one turn of the actor).
    func run(
        _ key: Key, onArrival: @Sendable () -> Void, _ work: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        onArrival()
        return try await run(key, work)
    }
}

/// Holds whoever waits on it until it is opened.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

actor Counter {
    private(set) var value = 0
    func increment() { value += 1 }
}
