import FirebaseSimulator
import Foundation
import SimulatorKit
import StrictJSON
import TelegateCore
import TelegateTesting
import TestSupport
import Testing

/// `syncProfile`: the Telegram name and photo reach the Firebase user through Identity Toolkit's admin API after
/// the login, once per change, with one service-account token for many syncs, and nothing that goes wrong there
/// reaches a login.
@Suite("Firebase profile sync")
struct FirebaseProfileSyncTests {
    @Test("Before the user exists at Firebase nothing fails; then a changed name is sent exactly once, an unchanged profile never, with one OAuth token")
    func syncsOncePerChange() async throws {
        try await FirebaseHarness.run(syncProfile: true) { harness in
            let control = harness.simulator.control
            let first = try await harness.exchange()
            #expect(first.status == 200, "\(first.body)")
            let userID = try #require(first.json["user"]?["id"]?.stringValue)
            let uid = try #require(first.json["credential"]?["uid"]?.stringValue)
            // The user signs in to Firebase only with this credential: the sync finds nobody and records nothing.
            try await waitUntil("the first sync finds no Firebase user") { control.calls("update_account") == 1 }
            #expect(try await harness.link(userID)?.syncedProfileDigest == nil)
            #expect(harness.simulator.users.isEmpty)

            let signedIn = try await harness.signIn(try #require(first.json["credential"]?["customToken"]?.stringValue))
            #expect(signedIn.status == 200, "\(signedIn.body)")
            // A later login sends the profile the first could not.
            #expect(try await harness.exchange().status == 200)
            try await waitUntil("the profile is recorded as sent") {
                try await harness.link(userID)?.syncedProfileDigest != nil
            }
            #expect(control.calls("update_account") == 2)
            #expect(harness.simulator.profile(of: uid)?.displayName == "Vladislav Kibenko")
            #expect(harness.simulator.profile(of: uid)?.photoURL == FirebaseHarness.user.photoURL)

            // An unchanged profile: no call at all.
            let sent = try await harness.link(userID)?.syncedProfileDigest
            #expect(try await harness.exchange().status == 200)
            #expect(control.calls("update_account") == 2)

            // A changed name and photo: exactly one update.
            var renamed = FirebaseHarness.user
            renamed.lastName = "K."
            renamed.photoURL = "https://t.me/i/userpic/320/renamed.svg"
            #expect(try await harness.exchange(renamed).status == 200)
            try await waitUntil("the new profile is recorded as sent") {
                try await harness.link(userID)?.syncedProfileDigest != sent
            }
            #expect(try await harness.exchange(renamed).status == 200)
            #expect(control.calls("update_account") == 3)
            #expect(harness.simulator.profile(of: uid)?.displayName == "Vladislav K.")
            #expect(harness.simulator.profile(of: uid)?.photoURL == "https://t.me/i/userpic/320/renamed.svg")

            // Ten concurrent logins with another name: one sync sends it, the others find it sent.
            let again = {
                var user = renamed
                user.firstName = "Vlad"
                return user
            }()
            let sentBefore = try await harness.link(userID)?.syncedProfileDigest
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 { group.addTask { try await harness.exchange(again).status } }
                for try await status in group { #expect(status == 200) }
            }
            try await waitUntil("the concurrent logins' profile is recorded as sent") {
                try await harness.link(userID)?.syncedProfileDigest != sentBefore
            }
            #expect(try await harness.exchange(again).status == 200)
            #expect(control.calls("update_account") == 4)
            #expect(harness.simulator.profile(of: uid)?.displayName == "Vlad K.")

            // One service-account token served every sync.
            #expect(control.calls("oauth_token") == 1)
            #expect(control.calls("sign_in_custom_token") == 1)
        }
    }

    @Test("A 500 from Identity Toolkit fails no login, is audited once, and the profile is sent at a later login")
    func serverErrorFailsNoLogin() async throws {
        try await FirebaseHarness.run(syncProfile: true) { harness in
            let control = harness.simulator.control
            // `adapters check` gets the service account's token, which the syncs then use.
            let check = try await harness.application.admin.handle(.post, "/apps/shop/adapters/firebase/check", caller: .local)
            #expect(check.body?["ok"] == .bool(true), "\(String(describing: check.body))")
            #expect(control.calls("oauth_token") == 1)

            let first = try await harness.exchange()
            let userID = try #require(first.json["user"]?["id"]?.stringValue)
            let uid = try #require(first.json["credential"]?["uid"]?.stringValue)
            try await waitUntil("the first sync finds no Firebase user") { control.calls("update_account") == 1 }
            _ = try await harness.signIn(try #require(first.json["credential"]?["customToken"]?.stringValue))

            // Every attempt of one sync (the call is retried) gets a 500.
            control.inject(SimulatorFault(.status(500), operation: "update_account", times: 3))
            let failing = try await harness.exchange()
            #expect(failing.status == 200, "\(failing.body)")
            #expect(failing.json["credential"]?["customToken"]?.stringValue != nil)
            try await waitUntil("the failure is audited") {
                try await harness.failureEvents().count == 1
            }
            let event = try #require(try await harness.failureEvents().first)
            #expect(event.outcome == .failure)
            #expect(event.details["code"]?.stringValue == "upstream_unavailable")
            #expect(try await harness.link(userID)?.syncedProfileDigest == nil)

            #expect(try await harness.exchange().status == 200)
            try await waitUntil("the profile is recorded as sent") {
                try await harness.link(userID)?.syncedProfileDigest != nil
            }
            #expect(harness.simulator.profile(of: uid)?.displayName == "Vladislav Kibenko")
            #expect(try await harness.failureEvents().count == 1)
            #expect(control.calls("oauth_token") == 1)
        }
    }

    @Test("With syncProfile off a login makes no call and writes no link")
    func offByDefault() async throws {
        try await FirebaseHarness.run { harness in
            let reply = try await harness.exchange()
            #expect(reply.status == 200, "\(reply.body)")
            #expect(try await harness.exchange().status == 200)
            #expect(try await harness.link(try #require(reply.json["user"]?["id"]?.stringValue)) == nil)
            #expect(harness.simulator.control.allCalls.isEmpty)
        }
    }

    @Test("The simulator's token endpoint and accounts:update refuse what Google refuses, in Google's shapes")
    func simulatorRefusals() async throws {
        try await FirebaseHarness.run { harness in
            let project = harness.simulator.settings.projectID
            let anonymous = try await harness.simulatorCall(
                "/v1/projects/\(project)/accounts:update", body: #"{"localId": "nobody", "displayName": "X"}"#)
            #expect(anonymous.status == 401)
            #expect(anonymous.json["error"]?["status"]?.stringValue == "UNAUTHENTICATED")
            #expect(anonymous.json["error"]?["code"]?.integerValue == 401)

            let wrongGrant = try await harness.simulatorCall(
                "/token", body: "grant_type=client_credentials", contentType: "application/x-www-form-urlencoded")
            #expect(wrongGrant.status == 400)
            #expect(wrongGrant.json["error"]?.stringValue == "unsupported_grant_type")

            let forged = try await harness.simulatorCall(
                "/token", body: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
                contentType: "application/x-www-form-urlencoded")
            #expect(forged.status == 400)
            #expect(forged.json["error"]?.stringValue == "invalid_grant")
        }
    }
}

extension FirebaseHarness {
    /// The audit events of failed profile syncs.
    func failureEvents() async throws -> [AuditEvent] {
        try await application.services.storage.audit.events(appID: nil, before: nil, limit: 200)
            .filter { $0.action == "provider_user.profile_sync_failed" }
    }

    /// A call to the simulator without the Web API key (the admin and OAuth routes take none).
    func simulatorCall(_ path: String, body: String, contentType: String = "application/json") async throws -> HTTPReply {
        try await request(.POST, simulatorURL + path, body: body, contentType: contentType)
    }
}
