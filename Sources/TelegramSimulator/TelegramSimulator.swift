import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SimulatorKit
import StrictJSON

/// A stand-in for `oauth.telegram.org`, Telegram Login's OpenID Provider: discovery, the key set, `GET /auth`
/// (the configured user approves at once, where a real user would see Telegram's consent) and `POST /token`
/// (the authorization code grant with the bot's client secret and PKCE), issuing RS256 ID tokens with Telegram's
/// claims. It has no userinfo endpoint, like Telegram.
///
/// Every call is counted per operation (`discovery`, `jwks`, `authorize`, `token`) and can be faulted
/// (``SimulatorControl``). `token` acts out the misbehaviours `wrongAudience`, `unknownKey` (signed with a key the
/// key set does not publish, under the published key id) and `expiredToken`.
public struct TelegramSimulator: ProviderSimulator {
    public static let kind = "telegram"
    public static let summary = "Telegram Login (OIDC): discovery, JWKS, /auth, /token with RS256 id_tokens"

    public let control: SimulatorControl
    /// The server's state, for tests.
    public let server: TelegramLoginServer
    private let keys: (published: TelegramSigningKey, unpublished: TelegramSigningKey)

    /// The development server (``TelegramSimulatorConfiguration/development``).
    public init() {
        try! self.init(configuration: .development)  // Generating an RSA key does not fail.
    }

    /// A server with `configuration`.
    public init(configuration: TelegramSimulatorConfiguration) throws {
        self.control = SimulatorControl()
        self.server = TelegramLoginServer(configuration: configuration)
        self.keys = (try TelegramSigningKey(), try TelegramSigningKey())
    }

    /// The development bot, as a Telegate bot configures it.
    public var acceptedCredentials: [SimulatorCredential] {
        server.configuration.bots.map { bot in
            SimulatorCredential("oidc.clientSecret", bot.clientSecret, note: "bot \(bot.id), any loopback redirect URI")
        }
    }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/.well-known/openid-configuration") { request, _ in
            try await respond("discovery") { () throws(TelegramSimulatorError) in Self.json(discovery(base: Self.base(request))) }
        }
        router.get("/.well-known/jwks.json") { _, _ in
            try await respond("jwks") { () throws(TelegramSimulatorError) in
                Self.json(.object([("keys", .array([keys.published.jwk]))]))
            }
        }
        router.get("/auth") { request, _ in
            try await respond("authorize") { () throws(TelegramSimulatorError) in
                guard let query = SimulatorFormInput.fields(request.uri.query ?? "") else {
                    throw .page("The request is malformed.")
                }
                return Response(status: .found, headers: [.location: try server.authorize(query)])
            }
        }
        router.post("/token") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 16)
            return try await respond("token") { () throws(TelegramSimulatorError) in
                guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true,
                    let fields = SimulatorFormInput.form(Array(body.readableBytesView))
                else { throw .invalidRequest("the body must be a form without repeated parameters") }
                let flaw: TelegramLoginServer.TokenFlaw? =
                    switch control.misbehaviour("token") {
                    case .wrongAudience: .wrongAudience
                    case .unknownKey: .unknownKey
                    case .expiredToken: .expired
                    case .duplicate, .foreignAccount, nil: nil
                    }
                var response = Self.json(
                    try server.token(
                        fields, authorization: request.headers[.authorization], keys: keys, issuer: issuer(Self.base(request)),
                        flaw: flaw))
                response.headers[.cacheControl] = "no-store"
                return response
            }
        }
        control.addRoutes(to: router)
        return router
    }

    /// The issuer: the configured one, or the base URL the caller reached.
    private func issuer(_ base: String) -> String { server.configuration.issuer ?? base }

    private func discovery(base: String) -> JSONValue {
        .object([
            ("issuer", .string(issuer(base))), ("authorization_endpoint", .string(base + "/auth")),
            ("token_endpoint", .string(base + "/token")), ("jwks_uri", .string(base + "/.well-known/jwks.json")),
            ("response_types_supported", .array([.string("code")])),
            ("grant_types_supported", .array([.string("authorization_code")])),
            ("subject_types_supported", .array([.string("public")])),
            ("scopes_supported", .array(TelegramLoginServer.knownScopes.sorted().map(JSONValue.string))),
            ("id_token_signing_alg_values_supported", .array([.string("RS256")])),
            ("code_challenge_methods_supported", .array([.string("S256")])),
            (
                "token_endpoint_auth_methods_supported",
                .array([.string("client_secret_basic"), .string("client_secret_post")])
            ),
            (
                "claims_supported",
                .array(
                    ["aud", "exp", "iat", "iss", "sub", "nonce", "id", "name", "given_name", "family_name", "preferred_username",
                     "picture", "phone_number", "phone_number_verified"].map(JSONValue.string))
            ),
        ])
    }

    /// Runs `work`, then lets a fault replace its answer.
    private func respond(_ operation: String, _ work: () throws(TelegramSimulatorError) -> Response) async throws -> Response {
        let response: Response
        do {
            response = try work()
        } catch {
            response = error.response
        }
        return try await control.handle(operation) { response }
    }

    /// `http://<host>`, the simulator's base URL as the caller addressed it.
    static func base(_ request: Request) -> String {
        "http://\(request.head.authority ?? "127.0.0.1")"
    }

    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: value.serializedBytes)))
    }

    /// The characters a query value keeps as they are (RFC 3986 unreserved).
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `text` percent-encoded for a query parameter value.
    static func queryEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
