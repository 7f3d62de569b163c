import ClerkSimulator
import Logging
import NIOHTTP1
import StrictJSON
import TelegateCore
import TelegateTesting
import TestSupport

/// A logger for servers the tests stop by cancellation, which Hummingbird reports at error level.
let quietLogger: Logger = {
    var logger = Logger(label: "test.quiet")
    logger.logLevel = .critical
    return logger
}()

/// The Clerk simulator and a Telegate whose app `shop` has a `clerk` adapter pointing at it (and an `oidc` adapter
/// `convex`).
typealias ClerkHarness = ProviderHarness<ClerkUnderTest>

/// Clerk as its suite runs it: tickets are secrets, and nothing of Clerk's error answers reaches a Mini App.
enum ClerkUnderTest: AccountProviderUnderTest {
    typealias IdentityProfile = ClerkIdentityProfile
    static let adapter = "clerk"
    static func accountID(in credential: JSONValue) -> String? { credential["clerkUserId"]?.stringValue }
    static let errorBodyLeaks = [
        ClerkHarness.secretKey, "clerk_trace_id", "long_message", #""error":"injected fault""#, "authentication_invalid",
    ]
    static func issuedSecrets(_ simulator: ClerkSimulator) -> [String] { simulator.signInTokenValues }
    static func accounts(_ simulator: ClerkSimulator) -> [String] { simulator.users.map(\.id) }
}

extension ClerkHarness {
    static var secretKey: String { "sk_test_canaryClerkSecretKeyValue0123456789" }
    static var ticketTTL: Int64 { 90 }

    /// Runs `body` against a fresh simulator and Telegate. `adapterConfig` adds members to the clerk adapter's
    /// config; `secretKey` is what Telegate sends. With `live`, Telegate listens on a free port. Telegate reads
    /// `clock`, or the system's clock without one.
    static func run(
        live: Bool = false, settings: ClerkInstanceSettings = ClerkInstanceSettings(secretKey: ClerkHarness.secretKey),
        adapterConfig: [(key: String, value: JSONValue)] = [], secretKey: String = ClerkHarness.secretKey,
        corsOrigins: [String] = [], faults: FaultInjector? = nil, clock: TestClock? = nil,
        _ body: (ClerkHarness) async throws -> Void
    ) async throws {
        try await run(
            simulator: ClerkSimulator(settings: settings),
            adapters: { simulatorURL in
                [
                    .init(
                        "clerk", kind: "clerk", isDefault: true,
                        config: [
                            ("secretKey", .string("env:CLERK_SECRET_KEY")), ("apiURL", .string(simulatorURL)),
                            ("allowInsecureLoopback", .bool(true)), ("ticketTTL", .integer(ticketTTL)),
                        ] + adapterConfig),
                    .init("convex", kind: "oidc", config: [("audience", .string("convex")), ("algorithm", .string("ES256"))]),
                ]
            },
            environment: ["CLERK_SECRET_KEY": secretKey], secrets: [secretKey], live: live, corsOrigins: corsOrigins,
            faults: faults ?? FaultInjector(), clock: clock, body)
    }

    /// The Frontend API sign-in a Mini App makes with a ticket.
    func signIn(ticket: String) async throws -> Reply {
        try await request(
            .POST, simulatorURL + "/v1/client/sign_ins", body: "strategy=ticket&ticket=\(ticket)",
            contentType: "application/x-www-form-urlencoded")
    }
}
