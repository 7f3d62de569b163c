import LogtoSimulator
import SimulatorKit
import StrictJSON
import TelegateCore
import TelegramAuth
import TestSupport
import Testing

/// The Logto simulator's operations and the labels of the harness's adapter.
enum LogtoIdentityProfile: ProviderIdentityProfile {
    static let app = "poll"
    static let adapter = "logto"
    static let create = "create_user"
    static let lookup = "search_users"
    static let profileUpdate = "update_user"
    static let handOut = "token_exchange"
    static let credentials: Set = ["subject_token", "token_exchange"]
    static let writes: Set = ["update_user", "add_identity", "delete_user", "add_organization_members"]
}

/// The provider identity contract, against the Logto simulator: whatever Logto says, a user's access token is only
/// ever for the Logto user that carries the user's own username.
@Suite("Logto identity contract")
struct LogtoIdentityContractTests {
    @Test("A Logto answer about another user's account issues nothing", arguments: ProviderIdentityContract.Scenario.allCases)
    func contract(scenario: ProviderIdentityContract.Scenario) async throws {
        try await LogtoHarness.run { harness in
            try await ProviderIdentityContract.check(scenario, on: harness)
            // The victim's Logto user was not renamed.
            #expect(harness.simulator.tenant.user(username: "tg_\(ProviderIdentityContract.victim)")?["name"]?.stringValue == "Victim")
        }
    }

    @Test("A subject token Logto minted for another user is never exchanged into a credential for this one")
    func subjectTokenForForeignUser() async throws {
        try await LogtoHarness.run { harness in
            #expect(try await harness.identityExchange(telegramID: ProviderIdentityContract.victim, firstName: "Victim").status == 200)
            #expect(try await harness.identityExchange(telegramID: ProviderIdentityContract.user, firstName: "Ada").status == 200)
            harness.simulator.control.inject(SimulatorFault(.misbehave(.foreignAccount), operation: "subject_token", times: 1))
            let refused = try await harness.identityExchange(telegramID: ProviderIdentityContract.user, firstName: "Ada")
            #expect(refused.status == 502)
            #expect(refused.body["code"]?.stringValue == "provider_identity_mismatch")
            #expect(refused.accountID == nil)
        }
    }
}
