import FirebaseSimulator
import Foundation
import StrictJSON
import TelegateAdmin
import TelegateCore
import Testing

/// The Firebase adapter in a running Telegate: the exchange returns a custom token that signs in at the simulator,
/// with no call to Google on the way, and a configuration Firebase would refuse is refused when saved.
@Suite("Firebase adapter")
struct FirebaseExchangeTests {
    @Test("First and warm logins return a custom token each, with zero upstream calls; both sign in as one Firebase user")
    func firstAndWarmLogin() async throws {
        try await FirebaseHarness.run { harness in
            let first = try await harness.exchange()
            #expect(first.status == 200, "\(first.body)")
            #expect(first.json["provider"]?.stringValue == "firebase")
            let credential = try #require(first.json["credential"])
            #expect(credential.objectMembers?.map(\.key) == ["type", "customToken", "uid", "expiresAt"])
            #expect(credential["type"]?.stringValue == "firebase_custom_token")
            let userID = try #require(first.json["user"]?["id"]?.stringValue)
            #expect(credential["uid"]?.stringValue == userID)
            let expiresAt = try #require(ISO8601DateFormatter().date(from: credential["expiresAt"]?.stringValue ?? ""))
            #expect(abs(expiresAt.timeIntervalSinceNow - 3600) < 60)

            let warm = try await harness.exchange()
            #expect(warm.status == 200, "\(warm.body)")
            #expect(warm.json["credential"]?["uid"]?.stringValue == userID)
            // Minting is local: the simulator standing in for Google heard nothing from Telegate.
            #expect(harness.simulator.control.allCalls.isEmpty)

            let signedIn = try await harness.signIn(try #require(credential["customToken"]?.stringValue))
            #expect(signedIn.status == 200, "\(signedIn.body)")
            #expect(signedIn.json["isNewUser"] == .bool(true))
            let again = try await harness.signIn(try #require(warm.json["credential"]?["customToken"]?.stringValue))
            #expect(again.json["isNewUser"] == .bool(false))
            #expect(harness.simulator.users.map(\.uid) == [userID])
            let refreshed = try await harness.refresh(try #require(again.json["refreshToken"]?.stringValue))
            #expect(refreshed.json["user_id"]?.stringValue == userID)
        }
    }

    @Test("A uid template, developer claims and a tenant reach Firebase's ID token")
    func templateClaimsAndTenant() async throws {
        let config: [(key: String, value: JSONValue)] = [
            ("uid", .string("tg:{telegram_id}")), ("tenantId", .string("shop-tenant-x1y2z")),
            ("claims", .object([("telegram_id", .string("telegram_id")), ("tg_username", .string("username"))])),
        ]
        try await FirebaseHarness.run(adapterConfig: config) { harness in
            let reply = try await harness.exchange()
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.json["credential"]?["uid"]?.stringValue == "tg:279058397")
            let token = try #require(reply.json["credential"]?["customToken"]?.stringValue)
            let signedIn = try await harness.signIn(token, tenantID: "shop-tenant-x1y2z")
            #expect(signedIn.status == 200, "\(signedIn.body)")
            let idToken = try FirebaseCustomTokenTests.decode(try #require(signedIn.json["idToken"]?.stringValue)).payload
            #expect(idToken["sub"]?.stringValue == "tg:279058397")
            #expect(idToken["tg_username"]?.stringValue == "vdkfrost")
            #expect(idToken["telegram_id"]?.integerValue == 279_058_397)
            #expect(idToken["firebase"]?["tenant"]?.stringValue == "shop-tenant-x1y2z")
            #expect(idToken["firebase"]?["sign_in_provider"]?.stringValue == "custom")
        }
    }

    @Test(
        "PyJWT verifies the custom token an exchange returns",
        .enabled(if: IndependentVerifier.isAvailable, "needs python3 with PyJWT and cryptography (pip install pyjwt cryptography)"))
    func independentVerification() async throws {
        try await FirebaseHarness.run { harness in
            let credential = try #require(try await harness.exchange().json["credential"])
            let result = try await IndependentVerifier.verify(
                try #require(credential["customToken"]?.stringValue), serviceAccountJSON: harness.simulator.serviceAccountJSON,
                uid: try #require(credential["uid"]?.stringValue), tenantID: nil, claims: #"{"telegram_id": 279058397}"#)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        }
    }

    @Test("Reserved claim names and unusable keys are refused when an adapter is saved, and nothing is stored")
    func refusedAtSaveTime() async throws {
        try await FirebaseHarness.run { harness in
            let admin = harness.application.admin
            let bodies: [JSONValue] = [
                .object([
                    ("name", .string("second")), ("kind", .string("firebase")),
                    ("config", .object([("claims", .object([("sub", .string("telegram_id"))]))])),
                    ("secrets", .object([("serviceAccount", .string(harness.simulator.serviceAccountJSON))])),
                ]),
                .object([
                    ("name", .string("second")), ("kind", .string("firebase")), ("config", .object([])),
                    ("secrets", .object([("serviceAccount", .string(#"{"type": "service_account"}"#))])),
                ]),
            ]
            for body in bodies {
                do {
                    _ = try await admin.handle(.post, "/apps/shop/adapters", body: body, caller: .local)
                    Issue.record("the configuration was accepted")
                } catch let error as TelegateError {
                    #expect(error.code == .invalidConfig, "\(error.message)")
                }
            }
            let list = try await admin.handle(.get, "/apps/shop/adapters", caller: .local)
            #expect(list.body?["items"]?.arrayElements?.compactMap { $0["name"]?.stringValue } == ["firebase"])
        }
    }
}
