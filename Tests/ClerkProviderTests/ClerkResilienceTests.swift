import ClerkSimulator
import SimulatorKit
import StrictJSON
import TelegateTesting
import TelegramAuth
import Testing

/// How Clerk's bad days reach Mini Apps: documented codes, bounded waits, nothing of Clerk's answer.
@Suite("Clerk resilience")
struct ClerkResilienceTests {
    @Test("H2: 429 with Retry-After: 7 becomes 503 upstream_busy with Retry-After: 7")
    func rateLimited() async throws {
        try await ClerkHarness.run { try await $0.expectRateLimitPassedOn("create_user") }
    }

    @Test("The simulator's own rate limit (requests per window) is passed on the same way")
    func instanceRateLimit() async throws {
        // A window far longer than any test set-up, so the two exchanges always fall in the same window.
        let settings = ClerkInstanceSettings(secretKey: ClerkHarness.secretKey, rateLimit: 2, rateWindow: .seconds(3600))
        try await ClerkHarness.run(settings: settings) { harness in
            #expect(try await harness.exchange().status == 200)  // create + sign-in token
            let reply = try await harness.exchange()
            #expect(reply.status == 503)
            #expect(reply.json["code"]?.stringValue == "upstream_busy")
            // What is left of the simulator's window, bounded to 30 s.
            let wait = try #require(reply.header("Retry-After").flatMap { Int($0) })
            #expect((1...30).contains(wait))
        }
    }

    @Test("H3, H4, L2: 5xx, a dropped connection and malformed JSON map to documented codes with nothing leaked")
    func failures() async throws {
        try await ClerkHarness.run { harness in
            let cases: [(SimulatorFault.Effect, Int, String)] = [
                (.status(500), 503, "upstream_unavailable"), (.status(502), 503, "upstream_unavailable"),
                (.dropConnection, 503, "upstream_unavailable"), (.malformedBody, 502, "upstream_invalid_response"),
            ]
            for (effect, status, code) in cases {
                harness.simulator.control.inject(SimulatorFault(effect, operation: "create_user", times: 1))
                let reply = try await harness.exchange()
                #expect(reply.status == status, "\(effect)")
                #expect(reply.json["code"]?.stringValue == code, "\(effect)")
            }
            #expect(try await harness.exchange().status == 200)
        }
    }

    @Test("H3, M5: a call slower than the 8 s deadline is 503 upstream_unavailable")
    func timeout() async throws {
        try await ClerkHarness.run { try await $0.expectSlowCallUnavailable("create_user") }
    }

    @Test("H11: a wrong secret key is 502 adapter_misconfigured, not retried, audited, with nothing of Clerk's answer")
    func unauthorized() async throws {
        try await ClerkHarness.run(secretKey: "sk_test_wrongKeyValue0123456789") { try await $0.expectRefusedKeyMisconfigured("create_user") }
    }

    @Test("H3: the breaker opens after repeated failures, stops calling Clerk, and recovers after its pause")
    func breaker() async throws {
        let clock = TestClock(WallClock.system.now)
        try await ClerkHarness.run(clock: clock) { harness in
            #expect(try await harness.exchange().status == 200)
            harness.simulator.control.resetCalls()
            harness.simulator.control.inject(SimulatorFault(.status(503), operation: "sign_in_token", times: 5))
            for _ in 0..<5 { #expect(try await harness.exchange().status == 503) }
            let refused = try await harness.exchange()
            #expect(refused.status == 503)
            #expect(refused.json["code"]?.stringValue == "upstream_unavailable")
            #expect(refused.header("Retry-After") == "10")
            #expect(harness.simulator.control.calls("sign_in_token") == 5)
            clock.advance(10)
            #expect(try await harness.exchange().status == 200)
        }
    }
}
