import ClerkSimulator
import SimulatorKit
import StrictJSON
import TelegateCore
import TelegramAuth
import TestSupport
import Testing

/// The Clerk simulator's operations and the labels of the harness's adapter.
enum ClerkIdentityProfile: ProviderIdentityProfile {
    static let app = "shop"
    static let adapter = "clerk"
    static let create = "create_user"
    static let lookup = "list_users"
    static let profileUpdate = "update_metadata"
    static let handOut = "sign_in_token"
    static let credentials: Set = ["sign_in_token", "revoke_sign_in_token"]
    static let writes: Set = ["update_user", "update_metadata", "delete_user"]
}

/// The provider identity contract, against the Clerk simulator: whatever Clerk says, a user's ticket is only ever
/// for the Clerk user that carries the user's own `external_id`.
@Suite("Clerk identity contract")
struct ClerkIdentityContractTests {
    @Test("A Clerk answer about another user's account issues nothing", arguments: ProviderIdentityContract.Scenario.allCases)
    func contract(scenario: ProviderIdentityContract.Scenario) async throws {
        try await ClerkHarness.run { harness in
            try await ProviderIdentityContract.check(scenario, on: harness)
            // The victim's Clerk user was not renamed or given anyone else's metadata.
            let victim = try #require(harness.simulator.users.first)
            #expect(harness.simulator.user(victim.id)?["first_name"]?.stringValue == "Victim")
        }
    }

    @Test("A user deleted in the dashboard is replaced only by a Clerk user of its own: a creation answering another's is refused")
    func relinkToForeignUser() async throws {
        try await ClerkHarness.run { harness in
            #expect(try await harness.identityExchange(telegramID: ProviderIdentityContract.victim, firstName: "Victim").status == 200)
            let first = try await harness.identityExchange(telegramID: ProviderIdentityContract.user, firstName: "Ada")
            #expect(harness.simulator.deleteUser(try #require(first.accountID)))
            harness.simulator.control.resetCalls()
            harness.simulator.control.inject(SimulatorFault(.misbehave(.foreignAccount), operation: "create_user", times: 1))

            let refused = try await harness.identityExchange(telegramID: ProviderIdentityContract.user, firstName: "Ada")
            #expect(refused.status == 502)
            #expect(refused.body["code"]?.stringValue == "provider_identity_mismatch")
            #expect(harness.simulator.control.calls("sign_in_token") == 1, "only the call that found the user gone")
            #expect(harness.simulator.control.calls("update_user") + harness.simulator.control.calls("update_metadata") == 0)
            let actions = try await harness.auditEvents().map(\.action)
            #expect(actions.filter { $0 == "provider.identity_mismatch" }.count == 1)
            #expect(actions.contains("provider_user.recreated"))

            let recovered = try await harness.identityExchange(telegramID: ProviderIdentityContract.user, firstName: "Ada")
            #expect(recovered.status == 200)
            #expect(recovered.accountID != nil && recovered.accountID != first.accountID)
            #expect(harness.simulator.users.count == 2)
        }
    }
}
