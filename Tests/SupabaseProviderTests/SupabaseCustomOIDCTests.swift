import Crypto
import Foundation
import StrictJSON
import SupabaseSimulator
import TelegateTesting
import Testing

/// Supabase's custom OIDC provider route end to end: Telegate's `oidc` adapter registered as a custom provider of
/// the Supabase simulator (which fetches Telegate's discovery and JWKS over HTTP), the exchange's nonce hashed into
/// the ID token, and `/token?grant_type=id_token` as `supabase.auth.signInWithIdToken` sends it.
@Suite("Supabase custom OIDC provider")
struct SupabaseCustomOIDCTests {
    static let audience = "supabase-auth"
    static let oidcAdapter = TestConfiguration.Adapter(
        "supabase-auth", kind: "oidc",
        config: [("audience", .string(audience)), ("algorithm", .string("RS256")), ("refreshTokenTTL", .integer(0))])

    /// A harness with a live Telegate whose app `shop` also has the `oidc` adapter `supabase-auth`.
    static func run(_ body: (SupabaseHarness) async throws -> Void) async throws {
        try await SupabaseHarness.run(live: true, adapters: [oidcAdapter], body)
    }

    /// `POST /admin/custom-providers` for Telegate's issuer, as the documentation shows it.
    @discardableResult
    static func register(
        _ harness: SupabaseHarness, identifier: String = "custom:telegate", clientID: String = audience,
        issuer: String? = nil, extra: [(key: String, value: JSONValue)] = [("email_optional", .bool(true))]
    ) async throws -> SupabaseHarness.Reply {
        let body = JSONValue.object(
            [
                ("provider_type", .string("oidc")), ("identifier", .string(identifier)), ("name", .string("Telegram")),
                ("client_id", .string(clientID)), ("client_secret", .string("unused")),
                ("issuer", .string(issuer ?? harness.baseURL + "/apps/shop")),
            ] + extra)
        return try await harness.admin(.POST, "/admin/custom-providers", body: body.serialized)
    }

    /// The ID token of an exchange through the `supabase-auth` adapter, with `nonce` when given.
    static func idToken(_ harness: SupabaseHarness, nonce: String?) async throws -> String {
        let initData = try SupabaseHarness.initData(now: harness.application.services.clock.now)
        var members: [(key: String, value: JSONValue)] = [("initData", .string(initData)), ("provider", .string("supabase-auth"))]
        if let nonce { members.append(("nonce", .string(nonce))) }
        let reply = try await harness.request(.POST, harness.baseURL + "/v1/apps/shop/exchange", body: JSONValue.object(members).serialized)
        #expect(reply.status == 200, "\(reply.body)")
        return try #require(reply.json["credential"]?["idToken"]?.stringValue)
    }

    /// `POST /auth/v1/token?grant_type=id_token` with the publishable key, as `signInWithIdToken` sends it.
    static func signIn(
        _ harness: SupabaseHarness, token: String, nonce: String?, provider: String = "custom:telegate"
    ) async throws -> SupabaseHarness.Reply {
        var members: [(key: String, value: JSONValue)] = [("id_token", .string(token)), ("provider", .string(provider))]
        if let nonce { members.append(("nonce", .string(nonce))) }
        return try await harness.request(
            .POST, harness.simulatorURL + "/auth/v1/token?grant_type=id_token", body: JSONValue.object(members).serialized,
            headers: [("apikey", SupabaseHarness.anonKey)])
    }

    static func expectOAuthError(_ reply: SupabaseHarness.Reply, _ error: String, _ description: String) {
        #expect(reply.status == 400, "\(reply.body)")
        #expect(reply.json["error"]?.stringValue == error)
        #expect(reply.json["error_description"]?.stringValue == description)
    }

    @Test("initData + nonce → an ID token Supabase accepts with the raw nonce: a real session, the same user next time")
    func signInWithNonce() async throws {
        try await Self.run { harness in
            let registered = try await Self.register(harness)
            #expect(registered.status == 201, "\(registered.body)")
            #expect(registered.json["identifier"]?.stringValue == "custom:telegate")
            #expect(registered.json["client_secret"] == nil)

            let nonce = "raw-nonce-" + UUID().uuidString
            let token = try await Self.idToken(harness, nonce: nonce)
            let hash = SHA256.hash(data: Array(nonce.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(SupabaseHarness.claims(of: token)?["nonce"]?.stringValue == hash)
            let session = try await Self.signIn(harness, token: token, nonce: nonce)
            #expect(session.status == 200, "\(session.body)")
            let userID = try #require(session.json["user"]?["id"]?.stringValue)
            #expect(UUID(uuidString: userID) != nil)
            #expect(SupabaseHarness.claims(of: session.json["access_token"]?.stringValue ?? "")?["sub"]?.stringValue == userID)
            #expect(session.json["refresh_token"]?.stringValue?.isEmpty == false)
            #expect(session.json["expires_in"]?.integerValue == 3600)
            let identity = session.json["user"]?["identities"]?.arrayElements?.first
            #expect(identity?["provider"]?.stringValue == "custom:telegate")
            #expect(identity?["id"]?.stringValue?.hasPrefix("usr_") == true)
            #expect(session.json["user"]?["app_metadata"]?["provider"]?.stringValue == "custom:telegate")

            let again = try await Self.signIn(harness, token: try await Self.idToken(harness, nonce: "second"), nonce: "second")
            #expect(again.status == 200, "\(again.body)")
            #expect(again.json["user"]?["id"]?.stringValue == userID)
            #expect(harness.simulator.users.count == 1)

            let refreshed = try await harness.request(
                .POST, harness.simulatorURL + "/auth/v1/token?grant_type=refresh_token",
                body: JSONValue.object([("refresh_token", session.json["refresh_token"] ?? .null)]).serialized,
                headers: [("apikey", SupabaseHarness.anonKey)])
            #expect(refreshed.status == 200)
            #expect(refreshed.json["user"]?["id"]?.stringValue == userID)
        }
    }

    @Test("A wrong nonce, a missing one, a nonce for a token without its hash and a wrong aud are refused as Supabase does")
    func refusals() async throws {
        try await Self.run { harness in
            try await Self.register(harness)
            let token = try await Self.idToken(harness, nonce: "right")
            Self.expectOAuthError(try await Self.signIn(harness, token: token, nonce: "wrong"), "invalid nonce", "Nonces mismatch")
            // The hash itself is not the nonce.
            let hash = try #require(SupabaseHarness.claims(of: token)?["nonce"]?.stringValue)
            Self.expectOAuthError(try await Self.signIn(harness, token: token, nonce: hash), "invalid nonce", "Nonces mismatch")
            let oneSided = "Passed nonce and nonce in id_token should either both exist or not."
            Self.expectOAuthError(try await Self.signIn(harness, token: token, nonce: nil), "invalid request", oneSided)
            let plain = try await Self.idToken(harness, nonce: nil)
            Self.expectOAuthError(try await Self.signIn(harness, token: plain, nonce: "right"), "invalid request", oneSided)
            // Both absent is accepted.
            #expect(try await Self.signIn(harness, token: plain, nonce: nil).status == 200)

            try await Self.register(harness, identifier: "custom:other", clientID: "another-client")
            Self.expectOAuthError(
                try await Self.signIn(harness, token: token, nonce: "right", provider: "custom:other"), "invalid request",
                "Unacceptable audience in id_token: [\(Self.audience)]")
            try await Self.register(
                harness, identifier: "custom:accepting", clientID: "another-client",
                extra: [("email_optional", .bool(true)), ("acceptable_client_ids", .array([.string(Self.audience)]))])
            #expect(try await Self.signIn(harness, token: token, nonce: "right", provider: "custom:accepting").status == 200)

            let parts = token.split(separator: ".")
            let signature = parts[2]
            let flipped: String = signature.first == "A" ? "B" : "A"
            let tampered = [String(parts[0]), String(parts[1]), flipped + String(signature.dropFirst())].joined(separator: ".")
            Self.expectOAuthError(try await Self.signIn(harness, token: tampered, nonce: "right"), "invalid request", "Bad ID token")
            let unknown = try await Self.signIn(harness, token: token, nonce: "right", provider: "custom:nope")
            #expect(unknown.status == 400)
            #expect(unknown.json["error_code"]?.stringValue == "validation_failed")
        }
    }

    @Test("skip_nonce_check accepts any nonce; without email_optional a user without email is not created")
    func providerSwitches() async throws {
        try await Self.run { harness in
            try await Self.register(harness, extra: [("email_optional", .bool(true)), ("skip_nonce_check", .bool(true))])
            let token = try await Self.idToken(harness, nonce: "right")
            #expect(try await Self.signIn(harness, token: token, nonce: "wrong").status == 200)
            #expect(try await Self.signIn(harness, token: token, nonce: nil).status == 200)

            try await Self.register(harness, identifier: "custom:strict", extra: [])
            let strict = try await Self.signIn(harness, token: token, nonce: "right", provider: "custom:strict")
            #expect(strict.status == 500)
            #expect(strict.json["msg"]?.stringValue == "Error getting user email from external provider")
        }
    }

    @Test("Registration fetches discovery: a mismatched issuer, an unreachable one or a duplicate is refused")
    func registration() async throws {
        try await Self.run { harness in
            let mismatch = try await Self.register(harness, issuer: harness.baseURL + "/apps/shop/")
            #expect(mismatch.status == 400)
            #expect(mismatch.json["error_code"]?.stringValue == "validation_failed")
            #expect(mismatch.json["msg"]?.stringValue?.contains("issuer mismatch") == true)
            let unreachable = try await Self.register(harness, issuer: harness.baseURL + "/apps/nope")
            #expect(unreachable.status == 400)
            #expect(unreachable.json["error_code"]?.stringValue == "validation_failed")
            let badIdentifier = try await Self.register(harness, identifier: "telegate")
            #expect(badIdentifier.json["msg"]?.stringValue == "identifier must start with 'custom:' prefix, e.g. 'custom:telegate'")
            let anon = try await harness.request(
                .POST, harness.simulatorURL + "/auth/v1/admin/custom-providers", body: "{}",
                headers: [("apikey", SupabaseHarness.anonKey), ("Authorization", "Bearer \(SupabaseHarness.anonKey)")])
            #expect(anon.status == 403)
            #expect(try await Self.register(harness).status == 201)
            let duplicate = try await Self.register(harness)
            #expect(duplicate.status == 400)
            #expect(duplicate.json["error_code"]?.stringValue == "conflict")
        }
    }
}
