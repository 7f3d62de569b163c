import FirebaseSimulator
import StrictJSON
import TelegateCore
import TelegateTesting
import TestSupport
import Testing

/// The Firebase simulator and a Telegate whose app `shop` has a `firebase` adapter configured with the simulator's
/// service account. Telegate is given no address of the simulator: minting is local.
typealias FirebaseHarness = ProviderHarness<FirebaseUnderTest>

/// Firebase as its suite runs it: the custom tokens exchanges return are secrets.
enum FirebaseUnderTest: ProviderUnderTest {
    typealias Simulator = FirebaseSimulator
    static let adapter = "firebase"
    static let credentialSecrets = ["customToken"]
}

extension FirebaseHarness {
    /// Runs `body` against a fresh simulator and Telegate; `adapterConfig` adds members to the firebase adapter's
    /// config, and `syncProfile` turns profile sync on against the simulator (Telegate is otherwise given no address
    /// of it: minting is local). With `live`, Telegate listens on a free port and lets pages on `corsOrigins` call
    /// it. The service account's private key must never reach logs or error bodies.
    static func run(
        live: Bool = false, corsOrigins: [String] = [], adapterConfig: [(key: String, value: JSONValue)] = [],
        syncProfile: Bool = false, _ body: (FirebaseHarness) async throws -> Void
    ) async throws {
        let simulator = try FirebaseSimulator(settings: FirebaseProjectSettings(tenants: ["shop-tenant-x1y2z"]))
        let keyLines = simulator.serviceAccountJSON.components(separatedBy: "\\n").filter { $0.count > 40 }
        #expect(!keyLines.isEmpty)
        try await run(
            simulator: simulator,
            adapters: { simulatorURL in
                let sync: [(key: String, value: JSONValue)] =
                    syncProfile
                    ? [
                        ("syncProfile", .bool(true)), ("tokenURL", .string(simulatorURL + "/token")), ("apiURL", .string(simulatorURL)),
                        ("allowInsecureLoopback", .bool(true)),
                    ] : []
                return [
                    .init(
                        "firebase", kind: "firebase", isDefault: true,
                        config: [("serviceAccount", .string("env:FIREBASE_SERVICE_ACCOUNT"))] + adapterConfig + sync)
                ]
            },
            environment: ["FIREBASE_SERVICE_ACCOUNT": simulator.serviceAccountJSON], secrets: keyLines, live: live,
            corsOrigins: corsOrigins, body)
    }

    /// The link Telegate keeps for local user `userID` with the firebase adapter, if any.
    func link(_ userID: String) async throws -> ProviderLink? {
        try await application.services.storage.links.link(
            appID: AppID(rawValue: "shop")!, adapter: AdapterName(rawValue: "firebase")!, userID: try #require(UserID(rawValue: userID)))
    }

    /// A call to the simulator: `path` with the project's Web API key.
    func simulatorRequest(_ path: String, body: String, contentType: String = "application/json", key: String? = nil)
        async throws -> Reply
    {
        try await request(.POST, simulatorURL + path + "?key=" + (key ?? simulator.settings.apiKey), body: body, contentType: contentType)
    }

    /// The CORS preflight a browser on `origin` sends before a Firebase SDK call to `path`.
    func simulatorPreflight(_ path: String, origin: String) async throws -> Reply {
        try await request(
            .OPTIONS, simulatorURL + path,
            headers: [
                ("Origin", origin), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type,x-client-version"),
            ])
    }

    /// `accounts:signInWithCustomToken` with `token`.
    func signIn(_ token: String, tenantID: String? = nil) async throws -> Reply {
        var members: [(key: String, value: JSONValue)] = [("token", .string(token)), ("returnSecureToken", .bool(true))]
        if let tenantID { members.append(("tenantId", .string(tenantID))) }
        return try await simulatorRequest("/v1/accounts:signInWithCustomToken", body: JSONValue.object(members).serialized)
    }

    /// The secure-token refresh with `refreshToken`.
    func refresh(_ refreshToken: String) async throws -> Reply {
        try await simulatorRequest(
            "/v1/token", body: "grant_type=refresh_token&refresh_token=" + refreshToken,
            contentType: "application/x-www-form-urlencoded")
    }
}
