import ClerkSimulator
import Foundation
import ProviderKit
import SimulatorKit
import StrictJSON
import TelegateCore
import TelegramAuth
import Testing

/// The Clerk adapter over real HTTP against the Clerk simulator: tickets, call counts, provisioning exactly once.
@Suite("Clerk adapter")
struct ClerkAdapterTests {
    /// Backend API calls counted by the simulator (the Frontend API and control routes excluded).
    private func backendCalls(_ simulator: ClerkSimulator) -> Int {
        simulator.control.allCalls.filter { $0.key != "fapi_sign_in" }.values.reduce(0, +)
    }

    @Test("A first login creates the Clerk user and returns a ticket that completes one Frontend API sign-in")
    func firstLogin() async throws {
        try await ClerkHarness.run { harness in
            let reply = try await harness.exchange()
            #expect(reply.status == 200, "\(reply.body)")
            let credential = try #require(reply.json["credential"])
            #expect(credential["type"]?.stringValue == "clerk_ticket")
            let ticket = try #require(credential["ticket"]?.stringValue)
            let clerkUserID = try #require(credential["clerkUserId"]?.stringValue)
            #expect(clerkUserID.hasPrefix("user_"))
            let expiresAt = try #require(credential["expiresAt"]?.stringValue)
            let expiry = try #require(ISO8601DateFormatter().date(from: expiresAt))
            #expect(abs(expiry.timeIntervalSinceNow - Double(ClerkHarness.ticketTTL)) < 30)
            #expect(reply.json["provider"]?.stringValue == "clerk")

            let simulator = harness.simulator
            #expect(backendCalls(simulator) <= 3)
            #expect(simulator.control.calls("create_user") == 1)
            #expect(simulator.control.calls("sign_in_token") == 1)
            let users = simulator.users
            #expect(users.count == 1)
            #expect(users.first?.externalID == reply.json["user"]?["id"]?.stringValue)
            #expect(users.first?.username == "tg_279058397")
            #expect(simulator.signInTokens.map(\.expiresInSeconds) == [ClerkHarness.ticketTTL])
            let clerkUser = try #require(simulator.user(clerkUserID))
            #expect(clerkUser["public_metadata"]?["telegram"]?["id"]?.integerValue == ClerkHarness.user.id)
            #expect(clerkUser["public_metadata"]?["telegram"]?["username"]?.stringValue == "vdkfrost")
            #expect(clerkUser["first_name"]?.stringValue == "Vladislav")

            let signIn = try await harness.signIn(ticket: ticket)
            #expect(signIn.status == 200)
            #expect(signIn.json["response"]?["status"]?.stringValue == "complete")
            #expect(signIn.json["response"]?["created_session_id"]?.stringValue?.hasPrefix("sess_") == true)
            #expect(simulator.sessions.map(\.userID) == [clerkUserID])

            let again = try await harness.signIn(ticket: ticket)
            #expect(again.status == 400)
            #expect(again.json["errors"]?[0]?["code"]?.stringValue == "ticket_invalid_code")
        }
    }

    @Test("Erasing a user at the provider deletes the Clerk user; one Clerk no longer has counts as deleted")
    func deleteAtProvider() async throws {
        try await ClerkHarness.run { try await $0.expectErasureDeletesAccount() }
    }

    @Test("Metrics tell Telegate's own time per exchange from the time spent waiting for Clerk")
    func ownTimeMetric() async throws {
        try await ClerkHarness.run { harness in
            harness.simulator.control.inject(SimulatorFault(.delay(.milliseconds(200)), operation: "sign_in_token", times: 2))
            for _ in 0..<2 { #expect(try await harness.exchange().status == 200) }
            let metrics = try await harness.request(.GET, harness.baseURL + "/metrics").body
            func value(_ series: String) -> Double? {
                metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
            }
            let labels = #"{app="shop",provider="clerk"}"#
            #expect(value("telegate_exchange_own_seconds_count" + labels) == 2)
            let own = try #require(value("telegate_exchange_own_seconds_sum" + labels))
            let total = try #require(value("telegate_exchange_duration_seconds_sum" + labels))
            // Each exchange waited at least 200 ms for Clerk; none of that is Telegate's own time.
            #expect(total >= 0.4)
            #expect(own > 0 && own <= total - 0.4)
        }
    }

    @Test("A returning user costs exactly one Clerk call: POST /v1/sign_in_tokens")
    func warmLogin() async throws {
        try await ClerkHarness.run { try await $0.expectWarmLoginCostsOneCall() }
    }

    @Test("A profile change is sent once, with the metadata endpoint the pinned API version requires")
    func profileSync() async throws {
        try await ClerkHarness.run { harness in
            #expect(try await harness.exchange().status == 200)
            var renamed = ClerkHarness.user
            renamed.username = "vdk_new"
            renamed.firstName = "Vlad"
            harness.simulator.control.resetCalls()
            let reply = try await harness.exchange(renamed)
            #expect(reply.status == 200)
            #expect(harness.simulator.control.allCalls == ["update_metadata": 1, "update_user": 1, "sign_in_token": 1])
            let clerkUser = try #require(harness.simulator.user(reply.json["credential"]?["clerkUserId"]?.stringValue ?? ""))
            #expect(clerkUser["public_metadata"]?["telegram"]?["username"]?.stringValue == "vdk_new")
            #expect(clerkUser["first_name"]?.stringValue == "Vlad")

            harness.simulator.control.resetCalls()
            #expect(try await harness.exchange(renamed).status == 200)
            #expect(harness.simulator.control.allCalls == ["sign_in_token": 1])
        }
    }

    @Test("I1: 50 concurrent first logins of one user make one local user and one Clerk user")
    func concurrentFirstLogins() async throws {
        try await ClerkHarness.run { try await $0.expectConcurrentFirstLoginsProvisionOnce() }
    }

    @Test("H7: a crash between the Clerk creation and the local link is repaired by the external_id lookup")
    func crashBetweenCreateAndLink() async throws {
        let faults = FaultInjector()
        faults.arm(.afterProviderBeforeResponse, action: .fail, times: 1)
        try await ClerkHarness.run(faults: faults) { try await $0.expectCrashAfterCreationRepaired() }
    }

    @Test("H8: a Clerk user deleted in the dashboard is created again once, re-linked and audited")
    func deletedOutOfBand() async throws {
        try await ClerkHarness.run { harness in
            let first = try await harness.exchange()
            let old = try #require(first.json["credential"]?["clerkUserId"]?.stringValue)
            #expect(harness.simulator.deleteUser(old))

            let reply = try await harness.exchange()
            #expect(reply.status == 200, "\(reply.body)")
            let new = try #require(reply.json["credential"]?["clerkUserId"]?.stringValue)
            #expect(new != old)
            #expect(harness.simulator.users.map(\.id) == [new])
            let events = try await harness.application.services.storage.audit.events(appID: nil, before: nil, limit: 20)
            #expect(events.contains { $0.action == "provider_user.recreated" })
            #expect(try await harness.exchange().json["credential"]?["clerkUserId"]?.stringValue == new)
        }
    }

    @Test("H9: a username held by a different Clerk user is a conflict, never a mapping to that user")
    func usernameConflict() async throws {
        try await ClerkHarness.run { harness in
            // Someone else's account already holds the username Telegate would give this user.
            let body = #"{"username":"tg_279058397","skip_password_requirement":true,"external_id":"someone-else"}"#
            let created = try await harness.request(
                .POST, harness.simulatorURL + "/v1/users", body: body, headers: [("Authorization", "Bearer \(ClerkHarness.secretKey)")])
            #expect(created.status == 200)
            let reply = try await harness.exchange()
            #expect(reply.status == 409)
            #expect(reply.json["code"]?.stringValue == "provider_user_conflict")
            #expect(harness.simulator.users.count == 1)
        }
    }

    @Test("An instance that requires a username refuses users created without one: adapter_misconfigured")
    func missingIdentifier() async throws {
        try await ClerkHarness.run(adapterConfig: [("username", .null), ("skipUserRequirement", .bool(false))]) { harness in
            let reply = try await harness.exchange()
            #expect(reply.status == 502)
            #expect(reply.json["code"]?.stringValue == "adapter_misconfigured")
        }
    }

    @Test("skipUserRequirement creates users on an instance that requires an email, with the username alone")
    func skipUserRequirement() async throws {
        let settings = ClerkInstanceSettings(
            secretKey: ClerkHarness.secretKey, identifiers: [.emailAddress: .required, .username: .optional])
        try await ClerkHarness.run(settings: settings) { harness in
            let reply = try await harness.exchange()
            #expect(reply.status == 200)
            #expect(harness.simulator.users.count == 1)
        }
        try await ClerkHarness.run(settings: settings, adapterConfig: [("skipUserRequirement", .bool(false))]) { harness in
            let reply = try await harness.exchange()
            #expect(reply.json["code"]?.stringValue == "adapter_misconfigured")
        }
    }

    @Test("Configurations that cannot work are refused at start, naming the key")
    func invalidConfiguration() async throws {
        let configs: [([(key: String, value: JSONValue)], String)] = [
            ([("username", .string("bob"))], "username"), ([("metadata", .object([("public", .array([.string("phone")]))]))], "phone"),
            ([("apiVersion", .string("2021-02-05"))], "apiVersion"),
        ]
        for (config, key) in configs {
            await #expect {
                try await ClerkHarness.run(adapterConfig: config) { _ in }
            } throws: { error in
                String(describing: error).contains(key)
            }
        }
    }

    @Test("Test connection: healthy with the right key, a safe message with a wrong one")
    func check() async throws {
        try await ClerkHarness.run { harness in
            let adapter = try #require(harness.application.runtimes.app(AppID(rawValue: "shop")!)).adapter("clerk").1
            let health = await adapter.check()
            #expect(health.ok)
            #expect(harness.simulator.control.calls("list_users") == 1)
        }
        try await ClerkHarness.run(secretKey: "sk_test_wrongKeyValue0123456789") { harness in
            let adapter = try #require(harness.application.runtimes.app(AppID(rawValue: "shop")!)).adapter("clerk").1
            let health = await adapter.check()
            #expect(!health.ok)
            #expect(health.message.contains("refused the configured credentials"))
            #expect(!health.message.contains("sk_test"))
        }
    }

    @Test("The sdk is served as a cross-origin JavaScript module")
    func sdk() async throws {
        try await ClerkHarness.run { harness in
            let reply = try await harness.request(.GET, harness.baseURL + "/sdk/telegate.js")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("text/javascript") == true)
            #expect(reply.header("Access-Control-Allow-Origin") == "*")
            for export in ["export async function exchange", "export async function signInWithClerk", "export function convexAuth"] {
                #expect(reply.body.contains(export))
            }
        }
    }
}
