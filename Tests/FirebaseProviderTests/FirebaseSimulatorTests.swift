import FirebaseSimulator
import Foundation
import JWTKit
import StrictJSON
import TelegateCore
import TelegateTesting
import TelegramAuth
import Testing

@testable import FirebaseProvider

/// The simulator checks custom tokens as Identity Toolkit does, answers in Google's envelope, and completes the
/// sign-in and the refresh a Firebase SDK makes.
@Suite("Firebase simulator")
struct FirebaseSimulatorTests {
    /// The service account of the simulator's project, as the adapter reads it.
    private static func account(_ harness: FirebaseHarness) throws -> FirebaseServiceAccount {
        try FirebaseServiceAccount(json: harness.simulator.serviceAccountJSON)
    }

    private static let audience = "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit"

    /// Custom-token claims as Google expects them, with `changes` applied (a `nil` value removes a claim).
    private static func claims(
        email: String, now: Int64, _ changes: [(key: String, value: JSONValue?)] = []
    ) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("iss", .string(email)), ("sub", .string(email)), ("aud", .string(audience)), ("iat", .integer(now)),
            ("exp", .integer(now + 3600)), ("uid", .string("tg:279058397")),
        ]
        for (key, value) in changes {
            members.removeAll { $0.key == key }
            if let value { members.append((key, value)) }
        }
        return .object(members)
    }

    private static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    /// The message of Identity Toolkit's error envelope, checked for its shape.
    private static func googleError(_ reply: HTTPReply) -> String? {
        #expect(reply.status == 400, "\(reply.body)")
        #expect(reply.json["error"]?["code"]?.integerValue == 400)
        let message = reply.json["error"]?["message"]?.stringValue
        #expect(reply.json["error"]?["errors"]?.arrayElements?.first?["message"]?.stringValue == message)
        return message
    }

    struct IDToken: JWTPayload {
        var iss: IssuerClaim
        var aud: AudienceClaim
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var user_id: String
        var telegram_id: Int64?
        var firebase: Firebase

        struct Firebase: Codable {
            var sign_in_provider: String
            var tenant: String?
        }

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    /// The ID token, verified against the simulator's JWKS.
    private static func verifiedIDToken(_ token: String, _ harness: FirebaseHarness) async throws -> IDToken {
        let keys = JWTKeyCollection()
        try await keys.add(jwks: JSONDecoder().decode(JWKS.self, from: Data(harness.simulator.jwks.serialized.utf8)))
        return try await keys.verify(token, as: IDToken.self)
    }

    @Test("Our custom token signs in: a new user, then the same user; the ID token is Firebase's, and it refreshes")
    func signInAndRefresh() async throws {
        try await FirebaseHarness.run { harness in
            let settings = try FirebaseCustomTokenTests.settings(serviceAccount: harness.simulator.serviceAccountJSON)
            let minted = try FirebaseCustomToken(settings: settings).mint(for: FirebaseCustomTokenTests.user, now: Self.now)
            let first = try await harness.signIn(minted.token)
            #expect(first.status == 200, "\(first.body)")
            #expect(first.json["kind"]?.stringValue == "identitytoolkit#VerifyCustomTokenResponse")
            #expect(first.json["isNewUser"] == .bool(true))
            #expect(first.json["expiresIn"]?.stringValue == "3600")
            let project = harness.simulator.settings.projectID
            let idToken = try await Self.verifiedIDToken(try #require(first.json["idToken"]?.stringValue), harness)
            #expect(idToken.iss.value == "https://securetoken.google.com/\(project)")
            #expect(idToken.aud.value == [project])
            #expect(idToken.sub.value == minted.uid)
            #expect(idToken.user_id == minted.uid)
            #expect(idToken.telegram_id == 279_058_397)
            #expect(idToken.firebase.sign_in_provider == "custom")
            #expect(harness.simulator.users.map(\.uid) == [minted.uid])

            let again = try await harness.signIn(minted.token)
            #expect(again.json["isNewUser"] == .bool(false))
            #expect(harness.simulator.users.count == 1)

            let refreshToken = try #require(first.json["refreshToken"]?.stringValue)
            let refreshed = try await harness.refresh(refreshToken)
            #expect(refreshed.status == 200, "\(refreshed.body)")
            #expect(refreshed.json["token_type"]?.stringValue == "Bearer")
            #expect(refreshed.json["expires_in"]?.stringValue == "3600")
            #expect(refreshed.json["user_id"]?.stringValue == minted.uid)
            #expect(refreshed.json["project_id"]?.stringValue == harness.simulator.settings.projectNumber)
            let renewed = try await Self.verifiedIDToken(try #require(refreshed.json["id_token"]?.stringValue), harness)
            #expect(renewed.sub.value == minted.uid)
            #expect(renewed.telegram_id == 279_058_397)

            let unknown = try await harness.refresh("not-a-refresh-token")
            #expect(unknown.status == 400)
            #expect(unknown.json["error"]?["message"]?.stringValue == "INVALID_REFRESH_TOKEN")
            #expect(unknown.json["error"]?["status"]?.stringValue == "INVALID_ARGUMENT")
            harness.simulator.revokeRefreshTokens(of: minted.uid)
            let revoked = try await harness.refresh(refreshToken)
            #expect(revoked.json["error"]?["message"]?.stringValue == "TOKEN_EXPIRED")
            #expect(harness.simulator.control.calls("sign_in_custom_token") == 2)
            #expect(harness.simulator.control.calls("refresh_token") == 3)
        }
    }

    @Test("The Firebase JS SDK's emulator paths reach the same project, and browsers pass the preflight")
    func emulatorPaths() async throws {
        try await FirebaseHarness.run { harness in
            let settings = try FirebaseCustomTokenTests.settings(serviceAccount: harness.simulator.serviceAccountJSON)
            let minted = try FirebaseCustomToken(settings: settings).mint(for: FirebaseCustomTokenTests.user, now: Self.now)
            let body = JSONValue.object([("token", .string(minted.token)), ("returnSecureToken", .bool(true))]).serialized
            let signedIn = try await harness.simulatorRequest(
                "/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken", body: body)
            #expect(signedIn.status == 200, "\(signedIn.body)")
            let refreshToken = try #require(signedIn.json["refreshToken"]?.stringValue)
            let refreshed = try await harness.simulatorRequest(
                "/securetoken.googleapis.com/v1/token", body: "grant_type=refresh_token&refresh_token=" + refreshToken,
                contentType: "application/x-www-form-urlencoded")
            #expect(refreshed.json["user_id"]?.stringValue == minted.uid, "\(refreshed.body)")
            let preflight = try await harness.simulatorPreflight(
                "/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken", origin: "https://shop.example.com")
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "https://shop.example.com")
            #expect(preflight.header("Access-Control-Allow-Headers")?.contains("x-client-version") == true)
        }
    }

    @Test("accounts:lookup, which the Firebase JS SDK sends after each sign-in, answers the ID token's account and refuses others")
    func lookup() async throws {
        try await FirebaseHarness.run { harness in
            let settings = try FirebaseCustomTokenTests.settings(serviceAccount: harness.simulator.serviceAccountJSON)
            let minted = try FirebaseCustomToken(settings: settings).mint(for: FirebaseCustomTokenTests.user, now: Self.now)
            let signedIn = try await harness.signIn(minted.token)
            let idToken = try #require(signedIn.json["idToken"]?.stringValue)
            let path = "/identitytoolkit.googleapis.com/v1/accounts:lookup"
            let found = try await harness.simulatorRequest(path, body: JSONValue.object([("idToken", .string(idToken))]).serialized)
            #expect(found.status == 200, "\(found.body)")
            #expect(found.json["kind"]?.stringValue == "identitytoolkit#GetAccountInfoResponse")
            let account = try #require(found.json["users"]?.arrayElements?.first)
            #expect(account["localId"]?.stringValue == minted.uid)
            #expect(account["customAuth"] == .bool(true))
            #expect(account["createdAt"]?.stringValue.flatMap { Int64($0) }.map { $0 >= Self.now * 1000 - 60_000 } == true)
            #expect(account["lastLoginAt"] != nil)

            let forged = idToken.dropLast(4) + "AAAA"
            let refused = try await harness.simulatorRequest(path, body: JSONValue.object([("idToken", .string(String(forged)))]).serialized)
            #expect(Self.googleError(refused) == "INVALID_ID_TOKEN")
            let missing = try await harness.simulatorRequest(path, body: "{}")
            #expect(Self.googleError(missing) == "MISSING_ID_TOKEN")
            let noKey = try await harness.simulatorRequest(
                path, body: JSONValue.object([("idToken", .string(idToken))]).serialized, key: "wrong-key")
            #expect(noKey.status == 400)
            harness.simulator.revokeRefreshTokens(of: minted.uid)
            let revoked = try await harness.simulatorRequest(path, body: JSONValue.object([("idToken", .string(idToken))]).serialized)
            #expect(Self.googleError(revoked) == "TOKEN_EXPIRED")
            let preflight = try await harness.simulatorPreflight(path, origin: "https://shop.example.com")
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "https://shop.example.com")
            #expect(harness.simulator.control.calls("lookup") == 5)
        }
    }

    @Test("Tampered, expired, too long, wrong-audience, iss ≠ sub, unknown-key and over-long-uid tokens are INVALID_CUSTOM_TOKEN")
    func invalidTokens() async throws {
        try await FirebaseHarness.run { harness in
            let account = try Self.account(harness)
            let email = harness.simulator.settings.serviceAccount.email
            let now = Self.now
            let valid = try account.sign(Self.claims(email: email, now: now))
            var tampered = Array(valid.split(separator: "."))
            let payload = Self.claims(email: email, now: now, [("uid", .string("somebody-else"))])
            tampered[1] = Substring(Base64.urlEncode(payload.serializedBytes))
            let stranger = try FirebaseServiceAccount(
                json: try FirebaseSimulatedServiceAccount(projectID: harness.simulator.settings.projectID).keyJSON)
            let tokens: [(String, String)] = [
                ("tampered", tampered.joined(separator: ".")),
                ("expired", try account.sign(Self.claims(email: email, now: now - 7200))),
                ("longer than an hour", try account.sign(Self.claims(email: email, now: now, [("exp", .integer(now + 3601))]))),
                ("wrong audience", try account.sign(Self.claims(email: email, now: now, [("aud", .string("https://example.com"))]))),
                ("iss ≠ sub", try account.sign(Self.claims(email: email, now: now, [("sub", .string("someone@example.com"))]))),
                ("unknown key", try stranger.sign(Self.claims(email: email, now: now))),
                ("uid over 128", try account.sign(Self.claims(email: email, now: now, [("uid", .string(String(repeating: "u", count: 129)))]))),
                ("empty uid", try account.sign(Self.claims(email: email, now: now, [("uid", .string(""))]))),
                ("not a JWT", "not.a.jwt"),
            ]
            for (name, token) in tokens {
                #expect(Self.googleError(try await harness.signIn(token)) == "INVALID_CUSTOM_TOKEN", "\(name)")
            }
            #expect(harness.simulator.users.isEmpty)
            // The valid one still works: only the changes made the others fail.
            #expect(try await harness.signIn(valid).status == 200)
        }
    }

    @Test("Another project's service account is CREDENTIAL_MISMATCH; missing pieces and reserved claims are named")
    func namedErrors() async throws {
        try await FirebaseHarness.run { harness in
            let settings = harness.simulator.settings
            let other = try #require(settings.otherServiceAccounts.first)
            let otherAccount = try FirebaseServiceAccount(json: other.keyJSON)
            let account = try Self.account(harness)
            let email = settings.serviceAccount.email
            let now = Self.now
            let mismatch = try await harness.signIn(try otherAccount.sign(Self.claims(email: other.email, now: now)))
            #expect(Self.googleError(mismatch) == "CREDENTIAL_MISMATCH")
            let noUID = try await harness.signIn(try account.sign(Self.claims(email: email, now: now, [("uid", nil)])))
            #expect(Self.googleError(noUID) == "MISSING_IDENTIFIER")
            let reserved = try await harness.signIn(
                try account.sign(Self.claims(email: email, now: now, [("claims", .object([("firebase", .string("x"))]))])))
            #expect(Self.googleError(reserved) == "FORBIDDEN_CLAIM : firebase")
            let empty = try await harness.simulatorRequest("/v1/accounts:signInWithCustomToken", body: "{}")
            #expect(Self.googleError(empty) == "MISSING_CUSTOM_TOKEN")
            let tenant = try await harness.signIn(try account.sign(Self.claims(email: email, now: now)), tenantID: "shop-tenant-x1y2z")
            #expect(Self.googleError(tenant) == "TENANT_ID_MISMATCH")
            let badKey = try await harness.simulatorRequest("/v1/accounts:signInWithCustomToken", body: "{}", key: "AIzaWrong")
            #expect(badKey.status == 400)
            #expect(badKey.json["error"]?["status"]?.stringValue == "INVALID_ARGUMENT")
            #expect(harness.simulator.users.isEmpty)
        }
    }
}

