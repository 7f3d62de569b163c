import Foundation
import ProviderKit
import SimulatorKit
import StrictJSON
import SupabaseSimulator
import TelegateCore
import TelegateTesting
import TelegramAuth
import Testing

/// The Supabase adapter over real HTTP against the Supabase simulator: one-time tokens that become sessions, call
/// counts, provisioning exactly once with the user id Telegate fixes.
@Suite("Supabase adapter")
struct SupabaseAdapterTests {
    @Test("A first login creates one Supabase user with the fixed UUID; its token completes /verify once, as that user")
    func firstLogin() async throws {
        try await SupabaseHarness.run { harness in
            let reply = try await harness.exchange()
            #expect(reply.status == 200, "\(reply.body)")
            let credential = try #require(reply.json["credential"])
            #expect(credential["type"]?.stringValue == "supabase_otp")
            #expect(credential["verificationType"]?.stringValue == "magiclink")
            let tokenHash = try #require(credential["tokenHash"]?.stringValue)
            let userID = try #require(credential["userId"]?.stringValue)
            let uuid = try #require(UUID(uuidString: userID))
            #expect(uuid.uuid.6 >> 4 == 4, "a UUID v4")
            #expect(reply.json["provider"]?.stringValue == "supabase")

            let simulator = harness.simulator
            #expect(simulator.control.calls("create_user") == 1)
            #expect(simulator.control.calls("generate_link") == 1)
            #expect(simulator.users.map(\.id) == [userID])
            #expect(simulator.users.first?.email == "tg_279058397@\(SupabaseHarness.emailDomain)")
            let user = try #require(simulator.user(userID))
            #expect(user["email_confirmed_at"]?.stringValue != nil)
            #expect(user["user_metadata"]?["telegram"]?["id"]?.integerValue == SupabaseHarness.user.id)
            #expect(user["user_metadata"]?["telegram"]?["username"]?.stringValue == "vdkfrost")
            #expect(user["app_metadata"]?["telegram"]?["id"]?.integerValue == SupabaseHarness.user.id)

            // The link Telegate keeps is that same UUID.
            let localID = try #require(reply.json["user"]?["id"]?.stringValue.flatMap(UserID.init(rawValue:)))
            let link = try await harness.application.services.storage.links.link(
                appID: AppID(rawValue: "shop")!, adapter: AdapterName(rawValue: "supabase")!, userID: localID)
            #expect(link?.externalID == userID)

            let session = try await harness.verify(tokenHash: tokenHash, type: "magiclink")
            #expect(session.status == 200)
            let claims = try #require(SupabaseHarness.claims(of: session.json["access_token"]?.stringValue ?? ""))
            #expect(claims["sub"]?.stringValue == userID)
            #expect(claims["role"]?.stringValue == "authenticated")
            let again = try await harness.verify(tokenHash: tokenHash, type: "magiclink")
            #expect(again.status == 403)
            #expect(again.json["error_code"]?.stringValue == "otp_expired")
        }
    }

    @Test("A returning user costs exactly one Supabase call: POST /admin/generate_link")
    func warmLogin() async throws {
        try await SupabaseHarness.run { try await $0.expectWarmLoginCostsOneCall() }
    }

    @Test("A profile change is sent once to the user's metadata")
    func profileSync() async throws {
        try await SupabaseHarness.run { harness in
            #expect(try await harness.exchange().status == 200)
            var renamed = SupabaseHarness.user
            renamed.username = "vdk_new"
            harness.simulator.control.resetCalls()
            let reply = try await harness.exchange(renamed)
            #expect(reply.status == 200)
            #expect(harness.simulator.control.allCalls == ["update_user": 1, "generate_link": 1])
            let user = try #require(harness.simulator.user(reply.json["credential"]?["userId"]?.stringValue ?? ""))
            #expect(user["user_metadata"]?["telegram"]?["username"]?.stringValue == "vdk_new")
            harness.simulator.control.resetCalls()
            #expect(try await harness.exchange(renamed).status == 200)
            #expect(harness.simulator.control.allCalls == ["generate_link": 1])
        }
    }

    @Test("50 concurrent first logins of one user make one local user and one Supabase user")
    func concurrentFirstLogins() async throws {
        try await SupabaseHarness.run { try await $0.expectConcurrentFirstLoginsProvisionOnce() }
    }

    @Test("A crash between the Supabase creation and the local link is repaired by the lookup of the fixed id")
    func crashBetweenCreateAndLink() async throws {
        let faults = FaultInjector()
        faults.arm(.afterProviderBeforeResponse, action: .fail, times: 1)
        try await SupabaseHarness.run(faults: faults) { try await $0.expectCrashAfterCreationRepaired() }
    }

    @Test("A creation answered email_exists for the user's own Supabase user links it, never a second user")
    func emailExistsOwnUser() async throws {
        let faults = FaultInjector()
        faults.arm(.afterProviderBeforeResponse, action: .fail, times: 1)
        try await SupabaseHarness.run(faults: faults) { harness in
            #expect(try await harness.exchange().status == 500)
            let created = try #require(harness.simulator.users.first?.id)
            // The next attempt finds no link and creates again: Supabase answers email_exists.
            harness.simulator.control.inject(SimulatorFault(.misbehave(.duplicate), operation: "create_user", times: 1))
            let reply = try await harness.exchange()
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.json["credential"]?["userId"]?.stringValue == created)
            #expect(harness.simulator.users.count == 1)
        }
    }

    @Test("The synthetic email held by a different Supabase user is a conflict, never a mapping to that user")
    func emailConflict() async throws {
        try await SupabaseHarness.run { harness in
            let body = #"{"email":"tg_279058397@\#(SupabaseHarness.emailDomain)","email_confirm":true}"#
            #expect(try await harness.admin(.POST, "/admin/users", body: body).status == 200)
            let reply = try await harness.exchange()
            #expect(reply.status == 409)
            #expect(reply.json["code"]?.stringValue == "supabase_email_taken")
            #expect(harness.simulator.users.count == 1)
            #expect(harness.simulator.control.calls("generate_link") == 0)
        }
    }

    @Test("A Supabase user deleted in the dashboard is created again once, with the same UUID, and audited")
    func deletedOutOfBand() async throws {
        try await SupabaseHarness.run { harness in
            let first = try await harness.exchange()
            let old = try #require(first.json["credential"]?["userId"]?.stringValue)
            #expect(harness.simulator.deleteUser(old))

            let reply = try await harness.exchange()
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.json["credential"]?["userId"]?.stringValue == old, "auth.uid() stays the same")
            // The user generate_link signed up for the email is gone; only the re-created user remains.
            #expect(harness.simulator.users.map(\.id) == [old])
            let tokenHash = try #require(reply.json["credential"]?["tokenHash"]?.stringValue)
            #expect(try await harness.verify(tokenHash: tokenHash, type: "magiclink").status == 200)
            let events = try await harness.application.services.storage.audit.events(appID: nil, before: nil, limit: 20)
            #expect(events.filter { $0.action == "provider_user.recreated" }.count == 1)
            harness.simulator.control.resetCalls()
            #expect(try await harness.exchange().json["credential"]?["userId"]?.stringValue == old)
            #expect(harness.simulator.control.allCalls == ["generate_link": 1])
        }
    }

    @Test("Erasing a user at the provider deletes the Supabase user; one Supabase no longer has counts as deleted")
    func deleteAtProvider() async throws {
        try await SupabaseHarness.run { try await $0.expectErasureDeletesAccount() }
    }

    @Test("Configurations that cannot work are refused at start, naming the key")
    func invalidConfiguration() async throws {
        let configs: [([(key: String, value: JSONValue)], String)] = [
            ([("email", .string("bob@{domain}"))], "email"), ([("emailDomain", .string("localhost"))], "emailDomain"),
            ([("metadata", .object([("user", .array([.string("phone")]))]))], "phone"),
        ]
        for (config, key) in configs {
            await #expect {
                try await SupabaseHarness.run(adapterConfig: config) { _ in }
            } throws: { error in
                String(describing: error).contains(key)
            }
        }
    }

    @Test("Test connection: healthy with the right key, a safe message with a wrong one")
    func check() async throws {
        try await SupabaseHarness.run { harness in
            let adapter = try #require(harness.application.runtimes.app(AppID(rawValue: "shop")!)).adapter("supabase").1
            #expect(await adapter.check().ok)
            #expect(harness.simulator.control.calls("list_users") == 1)
        }
        try await SupabaseHarness.run(secretKey: "sb_secret_wrongKeyValue0123456789") { harness in
            let adapter = try #require(harness.application.runtimes.app(AppID(rawValue: "shop")!)).adapter("supabase").1
            let health = await adapter.check()
            #expect(!health.ok)
            #expect(!health.message.contains("sb_secret"))
        }
    }
}
