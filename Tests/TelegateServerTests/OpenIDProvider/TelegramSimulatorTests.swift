import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SimulatorKit
import StrictJSON
import TelegramAuth
@testable import TelegramSimulator
import Testing

/// `telegate simulate telegram` keeps Telegram Login's contract (SPEC §4): the bot id is the client id, the client
/// secret is not the bot token, redirect URIs are registered, PKCE S256 binds the code, a code is used once, and the
/// ID token carries Telegram's claims for the scopes asked.
@Suite("Telegram Login simulator")
struct TelegramSimulatorTests {
    static let bot = TelegramSimulatorConfiguration.Bot(
        id: 7_000_000_001, clientSecret: "simulated-client-secret", redirectURIs: ["https://site.example/callback"])
    static let verifier = "dBjftJeZ4CFP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let now: Int64 = 1_800_000_000

    private static func simulator(echoesNonce: Bool = true) throws -> TelegramSimulator {
        try TelegramSimulator(
            configuration: TelegramSimulatorConfiguration(
                bots: [bot], user: TelegramSimulatorConfiguration.development.user, echoesNonce: echoesNonce, now: { now }))
    }

    private static func authorizeQuery(
        clientID: String = "7000000001", redirectURI: String = "https://site.example/callback", scope: String = "openid profile",
        challenge: String? = ProofKeyPair.challenge(verifier)
    ) -> String {
        var pairs = [
            ("client_id", clientID), ("redirect_uri", redirectURI), ("response_type", "code"), ("scope", scope),
            ("state", "st-1"), ("nonce", "n-1"),
        ]
        if let challenge { pairs += [("code_challenge", challenge), ("code_challenge_method", "S256")] }
        return pairs.map { "\($0.0)=\(Self.encoded($0.1))" }.joined(separator: "&")
    }

    private static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? ""
    }

    private static func query(of location: String) -> [String: String] {
        var fields: [String: String] = [:]
        for item in URLComponents(string: location)?.queryItems ?? [] { fields[item.name] = item.value }
        return fields
    }

    private static func basic(_ id: String, _ secret: String) -> String {
        "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
    }

    /// `POST /token` with `fields`, answering status and JSON body.
    private static func token(
        _ client: some TestClientProtocol, _ fields: [(String, String)], authorization: String? = basic("7000000001", bot.clientSecret)
    ) async throws -> (status: Int, json: JSONValue) {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let authorization { headers[.authorization] = authorization }
        let body = fields.map { "\($0.0)=\(Self.encoded($0.1))" }.joined(separator: "&")
        return try await client.execute(uri: "/token", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            (Int(response.status.code), (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null)
        }
    }

    /// `GET /auth` approved: the code it redirects with.
    private static func code(_ client: some TestClientProtocol, query: String = authorizeQuery()) async throws -> String {
        try await client.execute(uri: "/auth?" + query, method: .get) { response in
            #expect(response.status == .found)
            let location = response.headers[.location] ?? ""
            #expect(location.hasPrefix("https://site.example/callback?code="))
            #expect(Self.query(of: location)["state"] == "st-1")
            return Self.query(of: location)["code"] ?? ""
        }
    }

    private static func redeem(_ code: String, verifier: String = verifier) -> [(String, String)] {
        [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "https://site.example/callback"),
            ("client_id", "7000000001"), ("code_verifier", verifier),
        ]
    }

    @Test("Discovery names the issuer, Telegram's endpoints and S256; the key set publishes one RS256 key, oidc-1")
    func discovery() async throws {
        let simulator = try Self.simulator()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            try await client.execute(uri: "/.well-known/openid-configuration", method: .get) { response in
                let json = try JSONValue.parse(Array(response.body.readableBytesView))
                let issuer = json["issuer"]?.stringValue ?? ""
                #expect(issuer.hasPrefix("http://"))
                #expect(json["authorization_endpoint"]?.stringValue == issuer + "/auth")
                #expect(json["token_endpoint"]?.stringValue == issuer + "/token")
                #expect(json["jwks_uri"]?.stringValue == issuer + "/.well-known/jwks.json")
                #expect(json["userinfo_endpoint"] == nil)
                #expect(json["code_challenge_methods_supported"] == .array([.string("S256")]))
            }
            try await client.execute(uri: "/.well-known/jwks.json", method: .get) { response in
                let keys = try JSONValue.parse(Array(response.body.readableBytesView))["keys"]?.arrayElements ?? []
                #expect(keys.count == 1)
                #expect(keys.first?["kid"] == .string("oidc-1"))
                #expect(keys.first?["alg"] == .string("RS256"))
            }
        }
    }

    @Test("A code redeemed with the client secret and the PKCE verifier gives Telegram's claims, once")
    func codeFlow() async throws {
        let simulator = try Self.simulator()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let code = try await Self.code(client)
            let answer = try await Self.token(client, Self.redeem(code))
            #expect(answer.status == 200)
            #expect(answer.json["token_type"] == .string("Bearer"))
            let idToken = answer.json["id_token"]?.stringValue ?? ""
            #expect(try JWT.header(idToken)["kid"] == .string("oidc-1"))
            let claims = try JWT.claims(idToken)
            let user = TelegramSimulatorConfiguration.development.user
            #expect(claims["aud"] == .string("7000000001"))
            #expect(claims["iat"]?.integerValue == Self.now)
            #expect(claims["exp"]?.integerValue == Self.now + 3600)
            #expect(claims["nonce"] == .string("n-1"))
            #expect(claims["id"]?.integerValue == user.id)
            #expect(claims["sub"]?.stringValue != String(user.id))
            #expect(claims["name"] == .string("Ada Lovelace"))
            #expect(claims["preferred_username"] == .string("ada_simulated"))
            #expect(claims["picture"]?.stringValue == user.photoURL)
            #expect(claims["phone_number"] == nil, "the phone number needs the phone scope")
            #expect(claims["email"] == nil)

            let again = try await Self.token(client, Self.redeem(code))
            #expect(again.status == 400)
            #expect(again.json["error"] == .string("invalid_grant"))
        }
    }

    @Test("client_secret_post works; the phone scope adds the phone number; without profile there is no id")
    func postAndScopes() async throws {
        let simulator = try Self.simulator(echoesNonce: false)
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let code = try await Self.code(client, query: Self.authorizeQuery(scope: "openid phone"))
            let answer = try await Self.token(
                client, Self.redeem(code) + [("client_secret", Self.bot.clientSecret)], authorization: nil)
            #expect(answer.status == 200)
            let claims = try JWT.claims(answer.json["id_token"]?.stringValue ?? "")
            #expect(claims["phone_number"] == .string("15550100001"))
            #expect(claims["id"] == nil)
            #expect(claims["nonce"] == nil)
        }
    }

    @Test("An unknown bot or an unregistered redirect URI shows an error page and never redirects")
    func untrustedRequestsDoNotRedirect() async throws {
        let simulator = try Self.simulator()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            for query in [Self.authorizeQuery(clientID: "42"), Self.authorizeQuery(redirectURI: "https://evil.example/callback")] {
                try await client.execute(uri: "/auth?" + query, method: .get) { response in
                    #expect(response.status == .badRequest)
                    #expect(response.headers[.location] == nil)
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                }
            }
            try await client.execute(uri: "/auth?" + Self.authorizeQuery(scope: "profile"), method: .get) { response in
                #expect(response.status == .found)
                let query = Self.query(of: response.headers[.location] ?? "")
                #expect(query["error"] == "invalid_scope")
                #expect(query["state"] == "st-1")
            }
            try await client.execute(
                uri: "/auth?" + Self.authorizeQuery() .replacingOccurrences(of: "S256", with: "plain"), method: .get
            ) { response in
                #expect(Self.query(of: response.headers[.location] ?? "")["error"] == "invalid_request")
            }
        }
        #expect(simulator.server.outstandingCodes == 0)
    }

    @Test("A wrong secret, the bot token, a wrong verifier or redirect URI are refused as Telegram refuses them")
    func tokenRefusals() async throws {
        let simulator = try Self.simulator()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let code = try await Self.code(client)
            for secret in ["wrong", "7000000001:AAcanaryPollBotSecretValue0123456789x"] {
                let answer = try await Self.token(client, Self.redeem(code), authorization: Self.basic("7000000001", secret))
                #expect(answer.status == 401)
                #expect(answer.json["error"] == .string("invalid_client"))
            }
            let wrongVerifier = try await Self.token(client, Self.redeem(code, verifier: String(repeating: "a", count: 43)))
            #expect(wrongVerifier.json["error"] == .string("invalid_grant"))

            let second = try await Self.code(client)
            var fields = Self.redeem(second)
            fields[2] = ("redirect_uri", "https://site.example/other")
            let wrongRedirect = try await Self.token(client, fields)
            #expect(wrongRedirect.json["error"] == .string("invalid_grant"))

            let unsupported = try await Self.token(client, [("grant_type", "refresh_token"), ("refresh_token", "x")])
            #expect(unsupported.json["error"] == .string("unsupported_grant_type"))
        }
    }

    @Test("Misbehaviours: the next token names another audience, is signed by an unpublished key, or has expired")
    func misbehaviours() async throws {
        let simulator = try Self.simulator()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            simulator.control.inject(SimulatorFault(.misbehave(.wrongAudience), operation: "token", times: 1))
            let wrongAudience = try JWT.claims(
                try await Self.token(client, Self.redeem(try await Self.code(client))).json["id_token"]?.stringValue ?? "")
            #expect(wrongAudience["aud"] == .string("7000000002"))

            simulator.control.inject(SimulatorFault(.misbehave(.expiredToken), operation: "token", times: 1))
            let expired = try JWT.claims(
                try await Self.token(client, Self.redeem(try await Self.code(client))).json["id_token"]?.stringValue ?? "")
            #expect((expired["exp"]?.integerValue ?? .max) < Self.now)

            let normal = try await Self.token(client, Self.redeem(try await Self.code(client))).json["id_token"]?.stringValue ?? ""
            simulator.control.inject(SimulatorFault(.misbehave(.unknownKey), operation: "token", times: 1))
            let foreign = try await Self.token(client, Self.redeem(try await Self.code(client))).json["id_token"]?.stringValue ?? ""
            #expect(try JWT.header(foreign)["kid"] == .string("oidc-1"))
            #expect(foreign.split(separator: ".").last != normal.split(separator: ".").last)
            #expect(simulator.control.calls("token") == 4)
        }
    }
}

/// A PKCE verifier's S256 challenge, computed here independently of the code under test.
enum ProofKeyPair {
    static func challenge(_ verifier: String) -> String {
        Base64.urlEncode(Array(SHA256.hash(data: Array(verifier.utf8))))
    }
}
