import NIOHTTP1
import StrictJSON
import SupabaseSimulator
import TelegateCore
import TelegateTesting
import TestSupport

/// The Supabase simulator and a Telegate whose app `shop` has a `supabase` adapter pointing at it.
typealias SupabaseHarness = ProviderHarness<SupabaseUnderTest>

/// Supabase as its suite runs it: one-time tokens are secrets, and nothing of Supabase's error answers reaches a
/// Mini App.
enum SupabaseUnderTest: AccountProviderUnderTest {
    typealias IdentityProfile = SupabaseIdentityProfile
    static let adapter = "supabase"
    static func accountID(in credential: JSONValue) -> String? { credential["userId"]?.stringValue }
    static let errorBodyLeaks = [SupabaseHarness.secretKey, "error_code", "msg", #""error":"injected fault""#, "not_admin", "email_exists"]
    static func issuedSecrets(_ simulator: SupabaseSimulator) -> [String] { simulator.issuedEmailTokens }
    static func accounts(_ simulator: SupabaseSimulator) -> [String] { simulator.users.map(\.id) }
}

extension SupabaseHarness {
    static var secretKey: String { "sb_secret_canarySupabaseSecretKeyValue0123456789" }
    static var anonKey: String { SupabaseProjectSettings.defaultAnonKey }
    static var emailDomain: String { "users.shop.example" }

    /// Runs `body` against a fresh simulator and Telegate. `adapterConfig` adds members to the supabase adapter's
    /// config; `adapters` adds adapters to the app; `secretKey` is what Telegate sends. With `live`, Telegate listens on a free port. Telegate reads
    /// `clock`, or the system's clock without one; the simulator reads `simulatorNow`, or its own clock.
    static func run(
        live: Bool = false, settings: SupabaseProjectSettings = SupabaseProjectSettings(serviceRoleKey: SupabaseHarness.secretKey),
        adapterConfig: [(key: String, value: JSONValue)] = [], adapters: [TestConfiguration.Adapter] = [],
        secretKey: String = SupabaseHarness.secretKey,
        corsOrigins: [String] = [], faults: FaultInjector? = nil, clock: TestClock? = nil,
        simulatorNow: (@Sendable () -> Int64)? = nil,
        _ body: (SupabaseHarness) async throws -> Void
    ) async throws {
        let simulator =
            if let simulatorNow { SupabaseSimulator(settings: settings, now: simulatorNow) } else { SupabaseSimulator(settings: settings) }
        try await run(
            simulator: simulator,
            adapters: { simulatorURL in
                [
                    .init(
                        "supabase", kind: "supabase", isDefault: true,
                        config: [
                            ("serviceRoleKey", .string("env:SUPABASE_SECRET_KEY")), ("url", .string(simulatorURL)),
                            ("emailDomain", .string(emailDomain)), ("allowInsecureLoopback", .bool(true)),
                        ] + adapterConfig)
                ] + adapters
            },
            environment: ["SUPABASE_SECRET_KEY": secretKey], secrets: [secretKey], live: live, corsOrigins: corsOrigins,
            faults: faults ?? FaultInjector(), clock: clock, body)
    }

    /// `POST /auth/v1/verify {type, token_hash}` as `supabase.auth.verifyOtp` sends it, with the publishable key.
    func verify(tokenHash: String, type: String) async throws -> Reply {
        let body = JSONValue.object([("type", .string(type)), ("token_hash", .string(tokenHash))]).serialized
        return try await request(.POST, simulatorURL + "/auth/v1/verify", body: body, headers: [("apikey", Self.anonKey)])
    }

    /// The claims of a JWT, read without checking it.
    static func claims(of jwt: String) -> JSONValue? {
        try? JWTParts.claims(jwt)
    }

    /// A call to a Supabase admin route with the secret key.
    func admin(_ method: NIOHTTP1.HTTPMethod, _ path: String, body: String? = nil) async throws -> Reply {
        try await request(
            method, simulatorURL + "/auth/v1" + path, body: body,
            headers: [("apikey", Self.secretKey), ("Authorization", "Bearer \(Self.secretKey)")])
    }
}
