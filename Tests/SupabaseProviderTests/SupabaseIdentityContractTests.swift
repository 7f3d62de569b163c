import SupabaseSimulator
import SimulatorKit
import StrictJSON
import TelegateCore
import TelegramAuth
import TestSupport
import Testing

/// The Supabase simulator's operations and the labels of the harness's adapter.
enum SupabaseIdentityProfile: ProviderIdentityProfile {
    static let app = "shop"
    static let adapter = "supabase"
    static let create = "create_user"
    static let lookup = "get_user"
    static let profileUpdate = "update_user"
    static let handOut = "generate_link"
    static let credentials: Set = ["generate_link"]
    static let writes: Set = ["update_user", "delete_user"]
}

/// The provider identity contract, against the Supabase simulator: whatever Supabase says, a user's one-time token
/// is only ever for the Supabase user with the id Telegate fixed for that user.
@Suite("Supabase identity contract")
struct SupabaseIdentityContractTests {
    @Test("A Supabase answer about another user's account issues nothing", arguments: ProviderIdentityContract.Scenario.allCases)
    func contract(scenario: ProviderIdentityContract.Scenario) async throws {
        try await SupabaseHarness.run { harness in
            try await ProviderIdentityContract.check(scenario, on: harness)
            // The victim's Supabase user was not given anyone else's metadata.
            let victim = try #require(harness.simulator.users.first)
            #expect(harness.simulator.user(victim.id)?["user_metadata"]?["telegram"]?["first_name"]?.stringValue == "Victim")
        }
    }
}
