import ProviderKit
import SimulatorKit
import StrictJSON
import TelegateCore
import TelegateRuntime
import Testing

/// How a provider's bad days reach Mini Apps, the same for every provider whose adapter calls its API: documented
/// codes, bounded waits, nothing of the provider's answer.
extension ProviderHarness {
    /// A 429 with `Retry-After: 7` on `operation` becomes 503 `upstream_busy` with `Retry-After: 7`; a longer wait
    /// is bounded to 30 s.
    public func expectRateLimitPassedOn(_ operation: String) async throws {
        simulator.control.inject(SimulatorFault(.rateLimited(retryAfter: 7), operation: operation, times: 1))
        let reply = try await exchange()
        #expect(reply.status == 503)
        #expect(reply.json["code"]?.stringValue == "upstream_busy")
        #expect(reply.header("Retry-After") == "7")
        simulator.control.inject(SimulatorFault(.rateLimited(retryAfter: 3600), operation: operation, times: 1))
        #expect(try await exchange().header("Retry-After") == "30")
    }

    /// A call to `operation` slower than the 8 s deadline is 503 `upstream_unavailable`.
    public func expectSlowCallUnavailable(_ operation: String) async throws {
        simulator.control.inject(SimulatorFault(.delay(.seconds(10)), operation: operation, times: 1))
        let reply = try await exchange()
        #expect(reply.status == 503)
        #expect(reply.json["code"]?.stringValue == "upstream_unavailable")
    }

    /// With a secret key the provider refuses, an exchange is 502 `adapter_misconfigured`, `operation` is called
    /// once (not retried) and the failure is audited.
    public func expectRefusedKeyMisconfigured(_ operation: String) async throws {
        let reply = try await exchange()
        #expect(reply.status == 502)
        #expect(reply.json["code"]?.stringValue == "adapter_misconfigured")
        #expect(simulator.control.calls(operation) == 1)
        #expect(try await auditEvents().contains { $0.action == "adapter.auth_failed" })
    }
}

/// Provisioning exactly once, the same for every provider that keeps accounts of its own.
extension ProviderHarness where Provider: AccountProviderUnderTest {
    private var create: String { Provider.IdentityProfile.create }

    /// A returning user costs exactly one call: the hand-out of a credential for the same account.
    public func expectWarmLoginCostsOneCall() async throws {
        let first = try await exchange()
        #expect(first.status == 200)
        simulator.control.resetCalls()
        for _ in 0..<3 {
            let reply = try await exchange()
            #expect(reply.status == 200)
            #expect(account(of: reply) == account(of: first))
        }
        #expect(simulator.control.allCalls == [Provider.IdentityProfile.handOut: 3])
        #expect(Provider.accounts(simulator).count == 1)
    }

    /// 50 concurrent first logins of one user make one local user and one provider account.
    public func expectConcurrentFirstLoginsProvisionOnce() async throws {
        let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
            for _ in 0..<50 { group.addTask { try await self.exchange() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(replies.allSatisfy { $0.status == 200 })
        #expect(Set(replies.compactMap { $0.json["user"]?["id"]?.stringValue }).count == 1)
        #expect(Set(replies.compactMap { account(of: $0) }).count == 1)
        #expect(Provider.accounts(simulator).count == 1)
        #expect(simulator.control.calls(create) == 1)
    }

    /// With the harness's faults armed to fail once after the provider call, the account created before the crash
    /// is found and linked by the next exchange, never created twice.
    public func expectCrashAfterCreationRepaired() async throws {
        let failed = try await exchange()
        #expect(failed.status == 500)
        #expect(Provider.accounts(simulator).count == 1)
        let created = try #require(Provider.accounts(simulator).first)

        let reply = try await exchange()
        #expect(reply.status == 200)
        #expect(account(of: reply) == created)
        #expect(Provider.accounts(simulator) == [created])
        #expect(simulator.control.calls(create) == 1)
    }

    /// Erasing a user at the provider deletes the provider's account (the simulator's `delete_user`); an account the
    /// provider no longer has counts as deleted.
    public func expectErasureDeletesAccount() async throws {
        let accountID = try #require(account(of: try await exchange()))
        let appID = try #require(AppID(rawValue: Provider.app))
        let runtime = try #require(application.runtimes.app(appID))
        let deleting = try #require(try runtime.adapter(nil).1 as? any ProviderUserDeleting)
        try await deleting.deleteProviderUser(externalID: accountID)
        #expect(Provider.accounts(simulator).isEmpty)
        try await deleting.deleteProviderUser(externalID: accountID)
        #expect(simulator.control.calls("delete_user") == 2)
    }
}
