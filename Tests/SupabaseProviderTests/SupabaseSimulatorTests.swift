import Foundation
import Synchronization
import SimulatorKit
import StrictJSON
import SupabaseSimulator
import Testing

/// The Supabase simulator refuses what Supabase Auth refuses, in Supabase's error body, and its one-time tokens and
/// sessions behave like the real service's.
@Suite("Supabase simulator")
struct SupabaseSimulatorTests {
    private static let userID = "6f1d3a2e-8c4b-4f7a-9e21-3b5c7d9e1f20"

    private func create(_ harness: SupabaseHarness, _ body: String) async throws -> SupabaseHarness.Reply {
        try await harness.admin(.POST, "/admin/users", body: body)
    }

    @Test("Admin calls need the secret key as apikey and bearer; errors have Supabase's {code, error_code, msg}")
    func keys() async throws {
        try await SupabaseHarness.run { harness in
            let body = #"{"email":"a@example.com"}"#
            let noKey = try await harness.request(.POST, harness.simulatorURL + "/auth/v1/admin/users", body: body)
            #expect(noKey.status == 401)
            let anon = try await harness.request(
                .POST, harness.simulatorURL + "/auth/v1/admin/users", body: body,
                headers: [("apikey", SupabaseHarness.anonKey), ("Authorization", "Bearer \(SupabaseHarness.anonKey)")])
            #expect(anon.status == 403)
            #expect(anon.json["code"]?.integerValue == 403)
            #expect(anon.json["error_code"]?.stringValue == "not_admin")
            #expect(anon.json["msg"]?.stringValue == "User not allowed")
            let noBearer = try await harness.request(
                .POST, harness.simulatorURL + "/auth/v1/admin/users", body: body, headers: [("apikey", SupabaseHarness.secretKey)])
            #expect(noBearer.status == 401)
            #expect(noBearer.json["error_code"]?.stringValue == "no_authorization")
            #expect(harness.simulator.users.isEmpty)
        }
    }

    @Test("Browsers on any origin may call, as through Supabase's gateway: preflights pass with supabase-js's headers")
    func cors() async throws {
        try await SupabaseHarness.run { harness in
            let origin = "https://shop.example.com"
            let preflight = try await harness.request(
                .OPTIONS, harness.simulatorURL + "/auth/v1/verify",
                headers: [
                    ("Origin", origin), ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "apikey,authorization,content-type,x-client-info,x-supabase-api-version"),
                ])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == origin)
            #expect(preflight.header("Access-Control-Allow-Methods")?.contains("POST") == true)
            #expect(preflight.header("Access-Control-Allow-Headers")?.contains("x-supabase-api-version") == true)
            let refused = try await harness.request(
                .POST, harness.simulatorURL + "/auth/v1/verify", body: #"{"type":"magiclink","token_hash":"unknown"}"#,
                headers: [("apikey", SupabaseHarness.anonKey), ("Origin", origin)])
            #expect(refused.status == 403)
            #expect(refused.header("Access-Control-Allow-Origin") == origin)
            let plain = try await harness.request(
                .POST, harness.simulatorURL + "/auth/v1/verify", body: #"{"type":"magiclink","token_hash":"unknown"}"#,
                headers: [("apikey", SupabaseHarness.anonKey)])
            #expect(plain.header("Access-Control-Allow-Origin") == nil)
        }
    }

    @Test("Creation: id must be a non-nil UUID, an email or phone is required, duplicates are 422")
    func creationRules() async throws {
        try await SupabaseHarness.run { harness in
            let refused: [(String, Int, String)] = [
                (#"{"id":"not-a-uuid","email":"a@example.com"}"#, 400, "validation_failed"),
                (#"{"id":"00000000-0000-0000-0000-000000000000","email":"a@example.com"}"#, 400, "validation_failed"),
                (#"{"user_metadata":{"a":1}}"#, 400, "validation_failed"),
                (#"{"email":"not an email"}"#, 400, "validation_failed"),
                (#"{"email":"#, 400, "bad_json"),
            ]
            for (body, status, code) in refused {
                let reply = try await create(harness, body)
                #expect(reply.status == status, "\(body)")
                #expect(reply.json["error_code"]?.stringValue == code, "\(body)")
            }
            #expect(harness.simulator.users.isEmpty)

            let created = try await create(
                harness, #"{"id":"\#(Self.userID)","email":"A@Example.com","email_confirm":true,"user_metadata":{"telegram":{"id":1}}}"#)
            #expect(created.status == 200)
            #expect(created.json["id"]?.stringValue == Self.userID)
            #expect(created.json["email"]?.stringValue == "a@example.com")
            #expect(created.json["email_confirmed_at"]?.stringValue != nil)
            #expect(created.json["user_metadata"]?["telegram"]?["id"]?.integerValue == 1)

            let duplicate = try await create(harness, #"{"email":"a@example.com"}"#)
            #expect(duplicate.status == 422)
            #expect(duplicate.json["error_code"]?.stringValue == "email_exists")
            let sameID = try await create(harness, #"{"id":"\#(Self.userID)","email":"b@example.com"}"#)
            #expect(sameID.status == 422)
            #expect(harness.simulator.users.count == 1)

            #expect(try await harness.admin(.GET, "/admin/users/\(Self.userID)").json["email"]?.stringValue == "a@example.com")
            #expect(try await harness.admin(.DELETE, "/admin/users/\(Self.userID)").status == 200)
            let gone = try await harness.admin(.GET, "/admin/users/\(Self.userID)")
            #expect(gone.status == 404)
            #expect(gone.json["error_code"]?.stringValue == "user_not_found")
        }
    }

    @Test("generate_link: a magiclink for an unknown email silently becomes a signup that creates the user")
    func magicLinkBecomesSignup() async throws {
        try await SupabaseHarness.run { harness in
            let link = try await harness.admin(.POST, "/admin/generate_link", body: #"{"type":"magiclink","email":"new@example.com"}"#)
            #expect(link.status == 200)
            #expect(link.json["verification_type"]?.stringValue == "signup")
            #expect(link.json["email"]?.stringValue == "new@example.com")
            #expect(link.json["hashed_token"]?.stringValue?.isEmpty == false)
            #expect(harness.simulator.users.map(\.email) == ["new@example.com"])

            let again = try await harness.admin(.POST, "/admin/generate_link", body: #"{"type":"magiclink","email":"new@example.com"}"#)
            #expect(again.json["verification_type"]?.stringValue == "magiclink")
            #expect(again.json["id"] == link.json["id"])
            #expect(harness.simulator.users.count == 1)

            let invalid = try await harness.admin(.POST, "/admin/generate_link", body: #"{"type":"invite_everyone","email":"new@example.com"}"#)
            #expect(invalid.status == 400)
        }
    }

    @Test("/verify: a hashed_token opens a session once, not after expiry; the session refreshes once per token; /user reads it")
    func verifyOnce() async throws {
        let clock = SimulatedSeconds()
        try await SupabaseHarness.run(simulatorNow: { clock.now }) { harness in
            _ = try await create(harness, #"{"id":"\#(Self.userID)","email":"a@example.com","email_confirm":true}"#)
            let link = try await harness.admin(.POST, "/admin/generate_link", body: #"{"type":"magiclink","email":"a@example.com"}"#)
            let tokenHash = try #require(link.json["hashed_token"]?.stringValue)

            let session = try await harness.verify(tokenHash: tokenHash, type: "magiclink")
            #expect(session.status == 200, "\(session.body)")
            #expect(session.json["token_type"]?.stringValue == "bearer")
            #expect(session.json["expires_in"]?.integerValue == 3600)
            #expect(session.json["user"]?["id"]?.stringValue == Self.userID)
            let accessToken = try #require(session.json["access_token"]?.stringValue)
            let claims = try #require(SupabaseHarness.claims(of: accessToken))
            #expect(claims["sub"]?.stringValue == Self.userID)
            #expect(claims["role"]?.stringValue == "authenticated")
            #expect(claims["aud"]?.stringValue == "authenticated")

            let replay = try await harness.verify(tokenHash: tokenHash, type: "magiclink")
            #expect(replay.status == 403)
            #expect(replay.json["error_code"]?.stringValue == "otp_expired")

            let user = try await harness.request(
                .GET, harness.simulatorURL + "/auth/v1/user",
                headers: [("apikey", SupabaseHarness.anonKey), ("Authorization", "Bearer \(accessToken)")])
            #expect(user.json["id"]?.stringValue == Self.userID)

            let refreshToken = try #require(session.json["refresh_token"]?.stringValue)
            let refreshed = try await harness.request(
                .POST, harness.simulatorURL + "/auth/v1/token?grant_type=refresh_token", body: #"{"refresh_token":"\#(refreshToken)"}"#,
                headers: [("apikey", SupabaseHarness.anonKey)])
            #expect(refreshed.status == 200)
            #expect(refreshed.json["refresh_token"]?.stringValue != refreshToken)
            let reused = try await harness.request(
                .POST, harness.simulatorURL + "/auth/v1/token?grant_type=refresh_token", body: #"{"refresh_token":"\#(refreshToken)"}"#,
                headers: [("apikey", SupabaseHarness.anonKey)])
            #expect(reused.status == 400)
            #expect(reused.json["error_code"]?.stringValue == "refresh_token_already_used")

            // A newer token replaces the older one; an expired one is refused.
            let first = try await harness.admin(.POST, "/admin/generate_link", body: #"{"type":"magiclink","email":"a@example.com"}"#)
            let second = try await harness.admin(.POST, "/admin/generate_link", body: #"{"type":"magiclink","email":"a@example.com"}"#)
            #expect(try await harness.verify(tokenHash: first.json["hashed_token"]?.stringValue ?? "", type: "email").status == 403)
            clock.advance(3600)
            #expect(try await harness.verify(tokenHash: second.json["hashed_token"]?.stringValue ?? "", type: "email").status == 403)
            #expect(try await harness.request(
                .GET, harness.simulatorURL + "/auth/v1/user",
                headers: [("apikey", SupabaseHarness.anonKey), ("Authorization", "Bearer \(accessToken)")]).status == 403)
        }
    }

    @Test("Each client IP is rate-limited: 429 over_request_rate_limit")
    func perIPRateLimit() async throws {
        let settings = SupabaseProjectSettings(serviceRoleKey: SupabaseHarness.secretKey, rateLimit: 2, rateWindow: .seconds(3600))
        try await SupabaseHarness.run(settings: settings) { harness in
            func list(from address: String) async throws -> SupabaseHarness.Reply {
                try await harness.request(
                    .GET, harness.simulatorURL + "/auth/v1/admin/users",
                    headers: [("apikey", SupabaseHarness.secretKey), ("Authorization", "Bearer \(SupabaseHarness.secretKey)"),
                        ("X-Forwarded-For", address)])
            }
            #expect(try await list(from: "203.0.113.1").status == 200)
            #expect(try await list(from: "203.0.113.1").status == 200)
            let limited = try await list(from: "203.0.113.1")
            #expect(limited.status == 429)
            #expect(limited.json["error_code"]?.stringValue == "over_request_rate_limit")
            #expect(try await list(from: "203.0.113.2").status == 200)
        }
    }
}

/// A wall clock for the simulator that tests move by hand.
final class SimulatedSeconds: Sendable {
    private let seconds = Mutex(Int64(Date().timeIntervalSince1970))
    var now: Int64 { seconds.withLock { $0 } }
    func advance(_ delta: Int64) { seconds.withLock { $0 += delta } }
}
