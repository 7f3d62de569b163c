import SimulatorKit
import StrictJSON
import SupabaseSimulator
import TelegateTesting
import TelegramAuth
import Testing

/// How Supabase's bad days reach Mini Apps: documented codes, bounded waits, nothing of Supabase's answer.
@Suite("Supabase resilience")
struct SupabaseResilienceTests {
    @Test("429 with Retry-After becomes 503 upstream_busy with a bounded Retry-After")
    func rateLimited() async throws {
        try await SupabaseHarness.run { try await $0.expectRateLimitPassedOn("create_user") }
    }

    @Test("The project's per-IP limit (429 over_request_rate_limit, no Retry-After) is 503 upstream_busy")
    func projectRateLimit() async throws {
        let settings = SupabaseProjectSettings(serviceRoleKey: SupabaseHarness.secretKey, rateLimit: 2, rateWindow: .seconds(3600))
        try await SupabaseHarness.run(settings: settings) { harness in
            #expect(try await harness.exchange().status == 200)  // create + generate_link
            let reply = try await harness.exchange()
            #expect(reply.status == 503)
            #expect(reply.json["code"]?.stringValue == "upstream_busy")
            #expect(reply.header("Retry-After") == "1")
        }
    }

    @Test("5xx, a dropped connection and malformed JSON map to documented codes with nothing leaked")
    func failures() async throws {
        try await SupabaseHarness.run { harness in
            let cases: [(SimulatorFault.Effect, String, Int, String)] = [
                // A first login fails at the creation (nothing is created)...
                (.status(500), "create_user", 503, "upstream_unavailable"), (.dropConnection, "create_user", 503, "upstream_unavailable"),
                (.malformedBody, "create_user", 502, "upstream_invalid_response"),
                // ...then at the token, once the user exists.
                (.status(502), "generate_link", 503, "upstream_unavailable"), (.dropConnection, "generate_link", 503, "upstream_unavailable"),
                (.malformedBody, "generate_link", 502, "upstream_invalid_response"),
            ]
            for (effect, operation, status, code) in cases {
                harness.simulator.control.inject(SimulatorFault(effect, operation: operation, times: 1))
                let reply = try await harness.exchange()
                #expect(reply.status == status, "\(effect) on \(operation)")
                #expect(reply.json["code"]?.stringValue == code, "\(effect) on \(operation)")
                #expect(reply.json["credential"] == nil)
            }
            #expect(try await harness.exchange().status == 200)
            #expect(harness.simulator.users.count == 1)
        }
    }

    @Test("A call slower than the 8 s deadline is 503 upstream_unavailable")
    func timeout() async throws {
        try await SupabaseHarness.run { try await $0.expectSlowCallUnavailable("create_user") }
    }

    @Test("A wrong secret key is 502 adapter_misconfigured, not retried, audited, with nothing of Supabase's answer")
    func unauthorized() async throws {
        try await SupabaseHarness.run(secretKey: "sb_secret_wrongKeyValue0123456789") { try await $0.expectRefusedKeyMisconfigured("create_user") }
    }
}
