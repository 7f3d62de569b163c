import Crypto
import ProviderKit
import StrictJSON
import TelegateApp
import TelegateCore
import TelegateTesting
import TelegramAuth
import Testing

/// The exchange's `nonce`: checked, forwarded to the adapter, put in the `oidc` adapter's ID token as its SHA-256 hex,
/// and refused (nothing issued, nothing stored) for an adapter that has no use for it.
@Suite("Exchange nonce")
struct ExchangeNonceTests {
    /// The lowercase hex SHA-256 of `nonce`, computed here independently of the adapter.
    static func hexHash(_ nonce: String) -> String {
        SHA256.hash(data: Array(nonce.utf8)).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }

    static func body(_ initData: String, nonce: String, provider: String? = nil) -> String {
        var members: [(key: String, value: JSONValue)] = [("initData", .string(initData)), ("nonce", .string(nonce))]
        if let provider { members.append(("provider", .string(provider))) }
        return JSONValue.object(members).serialized
    }

    @Test("The oidc adapter's ID token carries the nonce's SHA-256 hex; the access token carries none; no nonce, no claim")
    func idTokenCarriesHash() async throws {
        try await TestService.run { service in
            let nonce = "Xy7-raw.nonce_from~the front end"
            let reply = try await service.request(
                .post, "/v1/apps/poll/exchange", body: Self.body(try service.signedInitData(), nonce: nonce))
            #expect(reply.status == 200, "\(reply.body)")
            let credentials = Credentials(reply)
            #expect(try JWT.claims(credentials.idToken)["nonce"]?.stringValue == Self.hexHash(nonce))
            #expect(try JWT.claims(credentials.accessToken)["nonce"] == nil)
            #expect(!reply.body.contains(nonce))
            let plain = try await service.exchange(initData: service.signedInitData())
            #expect(try JWT.claims(Credentials(plain).idToken)["nonce"] == nil)
            service.rememberSecrets(credentials.all + Credentials(plain).all)
        }
    }

    @Test("A nonce longer than 255 characters, or outside printable ASCII, is 400 invalid_request")
    func malformedNonce() async throws {
        try await TestService.run { service in
            let initData = try service.signedInitData()
            let longest = try await service.request(
                .post, "/v1/apps/poll/exchange", body: Self.body(initData, nonce: String(repeating: "n", count: 255)))
            #expect(longest.status == 200)
            service.rememberSecrets(Credentials(longest).all)
            for nonce in [String(repeating: "n", count: 256), "a\u{01}b", "tab\there", "del\u{7F}", "ünïcode", "line\nfeed"] {
                let reply = try await service.request(.post, "/v1/apps/poll/exchange", body: Self.body(initData, nonce: nonce))
                #expect(reply.status == 400, "\(nonce.prefix(10))")
                #expect(reply.json["code"]?.stringValue == "invalid_request")
                #expect(reply.json["reason"]?.stringValue == "invalid_nonce")
            }
            let empty = try await service.request(.post, "/v1/apps/poll/exchange", body: Self.body(initData, nonce: ""))
            #expect(empty.status == 400)
        }
    }

    @Test("A nonce sent to an adapter that does not use one is 400 nonce_not_supported: nothing issued, nothing stored")
    func adapterWithoutNonce() async throws {
        let provider = FakeProvider(answer: .credential(type: "fake", members: [("token", .string("t-1"))]))
        defer { provider.unregister() }
        let builtin = BuiltinProviders.registry
        let registry = AdapterRegistry(builtin.kinds.compactMap { builtin.type(for: $0) } + [FakeAdapter.self])
        try await TestService.run(
            configure: { configuration in
                configuration.apps[0].adapters.append(
                    AdapterSpec(name: AdapterName(rawValue: "clerkish")!, kind: FakeAdapter.kind, config: .object(provider.adapterConfig)))
            }, registry: registry
        ) { service in
            let initData = try service.signedInitData()
            let refused = try await service.request(
                .post, "/v1/apps/poll/exchange", body: Self.body(initData, nonce: "n-1", provider: "clerkish"))
            #expect(refused.status == 400)
            #expect(refused.json["code"]?.stringValue == "invalid_request")
            #expect(refused.json["reason"]?.stringValue == "nonce_not_supported")
            #expect(provider.calls.isEmpty)
            let first = try await service.exchange(initData: initData, provider: "clerkish")
            #expect(first.status == 200)
            #expect(first.json["user"]?["created"] == .bool(true), "the refused exchange stored a user")
            #expect(provider.calls.count == 1)
            #expect(provider.calls.first?.options.nonce == nil)
            // With an idToken proof the nonce is the Telegram login's, and is forwarded to any adapter.
            let token = try service.telegram.idToken(botID: 7_000_000_001, user: TestService.sampleUser, now: service.clock.now, nonce: "n-2")
            service.rememberSecrets([token])
            let withToken = try await service.request(
                .post, "/v1/apps/poll/exchange",
                body: JSONValue.object([("idToken", .string(token)), ("nonce", .string("n-2")), ("provider", .string("clerkish"))]).serialized)
            #expect(withToken.status == 200, "\(withToken.body)")
            #expect(provider.calls.last?.options.nonce == "n-2")
        }
    }

    @Test("With an idToken proof the nonce must still match the Telegram token, and reaches the oidc ID token hashed")
    func idTokenNonce() async throws {
        try await TestService.run { service in
            let token = try service.telegram.idToken(botID: 7_000_000_001, user: TestService.sampleUser, now: service.clock.now, nonce: "n-1")
            service.rememberSecrets([token])
            let reply = try await service.request(
                .post, "/v1/apps/poll/exchange", body: JSONValue.object([("idToken", .string(token)), ("nonce", .string("n-1"))]).serialized)
            #expect(reply.status == 200, "\(reply.body)")
            #expect(try JWT.claims(Credentials(reply).idToken)["nonce"]?.stringValue == Self.hexHash("n-1"))
            service.rememberSecrets(Credentials(reply).all)
        }
    }

    @Test("The refresh grant's ID token has no nonce")
    func refreshHasNoNonce() async throws {
        try await TestService.run { service in
            let reply = try await service.request(
                .post, "/v1/apps/poll/exchange", body: Self.body(try service.signedInitData(), nonce: "n-1"))
            let refreshToken = Credentials(reply).refreshToken
            let refreshed = try await service.request(
                .post, "/v1/apps/poll/token", body: "grant_type=refresh_token&refresh_token=\(refreshToken)",
                contentType: "application/x-www-form-urlencoded")
            #expect(refreshed.status == 200, "\(refreshed.body)")
            let idToken = try #require(refreshed.json["id_token"]?.stringValue)
            #expect(try JWT.claims(idToken)["nonce"] == nil)
            service.rememberSecrets(Credentials(reply).all + [idToken, refreshed.json["access_token"]?.stringValue ?? "", refreshed.json["refresh_token"]?.stringValue ?? ""])
        }
    }
}
