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
        let results = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for _ in 0..<50 {
                tasks.addTask {
                    try await group.run("user-1") {
                        await counter.increment()
                        try await Task.sleep(for: .milliseconds(50))
                        return 7
                    }
                }
            }
            return try await tasks.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == 7 })
        #expect(await counter.value == 1)
    }
}

actor Counter {
    private(set) var value = 0
    func increment() { value += 1 }
}
