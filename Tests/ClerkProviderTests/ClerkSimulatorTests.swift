import AsyncHTTPClient
import ClerkSimulator
import Logging
import NIOCore
import NIOHTTP1
import StrictJSON
import Synchronization
import Testing

/// The simulator holds Clerk's contract: what Clerk refuses, it refuses, in Clerk's error shape.
@Suite("Clerk simulator")
struct ClerkSimulatorTests {
    private static let key = "sk_test_simulatorTestKey"

    private struct Served {
        let simulator: ClerkSimulator
        let base: String

        func call(_ method: HTTPMethod, _ path: String, _ body: String? = nil, key: String? = ClerkSimulatorTests.key,
            form: Bool = false) async throws -> (status: Int, json: JSONValue, retryAfter: String?)
        {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            // The simulator's port was chosen by the kernel and may be handed to a later test: no pooled connection.
            request.headers.add(name: "Connection", value: "close")
            if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
            if let body {
                request.body = .bytes(ByteBuffer(string: body))
                request.headers.add(name: "Content-Type", value: form ? "application/x-www-form-urlencoded" : "application/json")
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), (try? JSONValue.parse(Array(bytes.readableBytesView))) ?? .null, response.headers.first(name: "Retry-After"))
        }

        func createUser(_ body: String) async throws -> (status: Int, json: JSONValue, retryAfter: String?) {
            try await call(.POST, "/v1/users", body)
        }

        func ticket(for userID: String, _ extra: String = "") async throws -> JSONValue {
            try await call(.POST, "/v1/sign_in_tokens", #"{"user_id":"\#(userID)"\#(extra)}"#).json
        }
    }

    private func withSimulator(
        _ settings: ClerkInstanceSettings = ClerkInstanceSettings(secretKey: ClerkSimulatorTests.key),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        _ body: (Served) async throws -> Void
    ) async throws {
        let simulator = ClerkSimulator(settings: settings, now: now)
        let (ports, ready) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.serve(port: 0, logger: quietLogger) { ready.yield($0) } }
            var port = 0
            for await bound in ports {
                port = bound
                break
            }
            try await body(Served(simulator: simulator, base: "http://127.0.0.1:\(port)"))
            group.cancelAll()
        }
    }

    private static let user = #"{"external_id":"usr_1","username":"tg_1001","skip_password_requirement":true"#

    @Test("Backend API calls need the secret key: 401 authentication_invalid otherwise")
    func authentication() async throws {
        try await withSimulator { served in
            for key in [nil, "sk_test_other"] {
                let reply = try await served.call(.GET, "/v1/users", key: key)
                #expect(reply.status == 401)
                #expect(reply.json["errors"]?[0]?["code"]?.stringValue == "authentication_invalid")
                #expect(reply.json["errors"]?[0]?["long_message"]?.stringValue != nil)
            }
        }
    }

    @Test("Unknown body parameters and wrong types are refused as the spec's schema says")
    func schema() async throws {
        try await withSimulator { served in
            let unknown = try await served.createUser(Self.user + #","telegram_id":1}"#)
            #expect(unknown.status == 422)
            #expect(unknown.json["errors"]?[0]?["code"]?.stringValue == "form_param_unknown")
            #expect(unknown.json["errors"]?[0]?["meta"]?["param_name"]?.stringValue == "telegram_id")
            let wrongType = try await served.createUser(#"{"username":42}"#)
            #expect(wrongType.status == 422)
            let metadataOnUser = try await served.call(.PATCH, "/v1/users/user_x", #"{"public_metadata":{}}"#)
            #expect(metadataOnUser.json["errors"]?[0]?["code"]?.stringValue == "form_param_unknown")
            let badExpiry = try await served.call(.POST, "/v1/sign_in_tokens", #"{"user_id":"u","expires_in_seconds":0}"#)
            #expect(badExpiry.status == 422)
        }
    }

    @Test("The instance's identifier rules: required username, skip_user_requirement, password requirement")
    func identifierRules() async throws {
        try await withSimulator { served in
            let noUsername = try await served.createUser(#"{"external_id":"usr_1","skip_password_requirement":true}"#)
            #expect(noUsername.status == 422)
            #expect(noUsername.json["errors"]?[0]?["code"]?.stringValue == "form_param_missing")
            let noIdentifier = try await served.createUser(#"{"skip_password_requirement":true,"skip_user_requirement":true}"#)
            #expect(noIdentifier.status == 422)
            let noPassword = try await served.createUser(#"{"username":"tg_1002"}"#)
            #expect(noPassword.json["errors"]?[0]?["meta"]?["param_name"]?.stringValue == "password")
            let phone = try await served.createUser(#"{"phone_number":["+15555550100"],"skip_password_requirement":true,"skip_user_requirement":true}"#)
            #expect(phone.json["errors"]?[0]?["code"]?.stringValue == "form_param_unknown")
            #expect(try await served.createUser(Self.user + "}").status == 200)
        }
    }

    @Test("The identifier rules can be changed while running, as `telegate simulate clerk` users need")
    func reconfigure() async throws {
        try await withSimulator { served in
            var request = HTTPClientRequest(url: served.base + "/_simulator/clerk/instance")
            request.method = .PUT
            request.headers.add(name: "Connection", value: "close")
            request.body = .bytes(ByteBuffer(string: #"{"identifiers":{"email_address":"required"},"passwordEnabled":false}"#))
            #expect(try await HTTPClient.shared.execute(request, timeout: .seconds(60)).status == .noContent)
            let withUsername = try await served.createUser(#"{"external_id":"usr_1","username":"tg_1001"}"#)
            #expect(withUsername.json["errors"]?[0]?["code"]?.stringValue == "form_param_unknown")
            let withEmail = try await served.createUser(#"{"external_id":"usr_1","email_address":["ada@example.com"]}"#)
            #expect(withEmail.status == 200)
        }
    }

    @Test("A duplicate external_id or username is 422 form_identifier_exists in Clerk's error shape")
    func duplicates() async throws {
        try await withSimulator { served in
            #expect(try await served.createUser(Self.user + "}").status == 200)
            let sameExternalID = try await served.createUser(#"{"external_id":"usr_1","username":"tg_other","skip_password_requirement":true}"#)
            #expect(sameExternalID.status == 422)
            let error = sameExternalID.json["errors"]?[0]
            #expect(error?["code"]?.stringValue == "form_identifier_exists")
            #expect(error?["meta"]?["param_name"]?.stringValue == "external_id")
            #expect(error?["message"]?.stringValue != nil && error?["long_message"]?.stringValue != nil)
            #expect(sameExternalID.json["clerk_trace_id"]?.stringValue != nil)
            let sameUsername = try await served.createUser(#"{"external_id":"usr_2","username":"TG_1001","skip_password_requirement":true}"#)
            #expect(sameUsername.json["errors"]?[0]?["meta"]?["param_name"]?.stringValue == "username")
            #expect(served.simulator.users.count == 1)
        }
    }

    @Test("GET /v1/users answers a bare array and takes several external_id values")
    func listUsers() async throws {
        try await withSimulator { served in
            _ = try await served.createUser(Self.user + "}")
            _ = try await served.createUser(#"{"external_id":"usr_2","username":"tg_1002","skip_password_requirement":true}"#)
            _ = try await served.createUser(#"{"external_id":"usr_3","username":"tg_1003","skip_password_requirement":true}"#)
            let two = try await served.call(.GET, "/v1/users?external_id=usr_1&external_id=usr_3")
            #expect(two.status == 200)
            #expect(Set(two.json.arrayElements?.compactMap { $0["external_id"]?.stringValue } ?? []) == ["usr_1", "usr_3"])
            #expect(try await served.call(.GET, "/v1/users?external_id=nobody").json == .array([]))
            #expect(try await served.call(.GET, "/v1/users?telegram=1").status == 422)
        }
    }

    @Test("Sign-in tokens: 404 for an unknown user, 30 days unless told otherwise, single use, revocable, expiring")
    func signInTokens() async throws {
        let skipped = Mutex(Duration.zero)
        try await withSimulator(now: { ContinuousClock.now + skipped.withLock { $0 } }) { served in
            let missing = try await served.call(.POST, "/v1/sign_in_tokens", #"{"user_id":"user_missing"}"#)
            #expect(missing.status == 404)
            #expect(missing.json["errors"]?[0]?["code"]?.stringValue == "resource_not_found")
            let userID = try #require(try await served.createUser(Self.user + "}").json["id"]?.stringValue)

            let defaulted = try await served.ticket(for: userID)
            #expect(defaulted["object"]?.stringValue == "sign_in_token")
            #expect(defaulted["status"]?.stringValue == "pending")
            #expect(served.simulator.signInTokens.last?.expiresInSeconds == 2_592_000)
            let signIn = try await served.call(.POST, "/v1/client/sign_ins", "strategy=ticket&ticket=\(defaulted["token"]?.stringValue ?? "")", key: nil, form: true)
            #expect(signIn.json["response"]?["status"]?.stringValue == "complete")
            #expect(signIn.json["client"]?["last_active_session_id"] == signIn.json["response"]?["created_session_id"])

            let revoked = try await served.ticket(for: userID)
            let revokeReply = try await served.call(.POST, "/v1/sign_in_tokens/\(revoked["id"]?.stringValue ?? "")/revoke")
            #expect(revokeReply.json["status"]?.stringValue == "revoked")
            let afterRevoke = try await served.call(.POST, "/v1/client/sign_ins", "strategy=ticket&ticket=\(revoked["token"]?.stringValue ?? "")", key: nil, form: true)
            #expect(afterRevoke.json["errors"]?[0]?["code"]?.stringValue == "ticket_invalid_code")

            let short = try await served.ticket(for: userID, #","expires_in_seconds":1"#)
            skipped.withLock { $0 += .seconds(2) }
            let expired = try await served.call(.POST, "/v1/client/sign_ins", "strategy=ticket&ticket=\(short["token"]?.stringValue ?? "")", key: nil, form: true)
            #expect(expired.json["errors"]?[0]?["code"]?.stringValue == "ticket_expired_code")
            #expect(served.simulator.sessions.count == 1)
        }
    }

    @Test("The Backend API is rate-limited per window with Retry-After")
    func rateLimit() async throws {
        // An hour's window: four calls on a busy machine never outlast it.
        try await withSimulator(ClerkInstanceSettings(secretKey: Self.key, rateLimit: 3, rateWindow: .seconds(3600))) { served in
            for _ in 0..<3 { #expect(try await served.call(.GET, "/v1/users").status == 200) }
            let limited = try await served.call(.GET, "/v1/users")
            #expect(limited.status == 429)
            #expect((1...3600).contains(Int(limited.retryAfter ?? "") ?? 0))
            #expect(served.simulator.control.calls("list_users") == 4)
        }
    }
}
