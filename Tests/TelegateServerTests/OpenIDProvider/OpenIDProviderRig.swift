import Crypto
import Foundation
import StrictJSON
@testable import TelegateCore
import TelegateIssuer
import TelegateRuntime
import TelegramAuth
import Testing

/// An OpenID Provider client of app `poll` installed into a running ``TestService``, with what a relying party
/// does: get a code (saved straight into the code store, as the authorization endpoint would), call the token
/// endpoint, userinfo, introspection and revocation.
struct OpenIDProviderRig {
    static let redirectURI = "https://rp.example/callback"
    static let secret = "rp-secret-canary-0123456789abcdefghijklmnop"
    /// RFC 7636 appendix B.
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    let service: TestService
    let clientID: String
    /// The client's secret; `nil` for a public client.
    let secret: String?

    /// One client to install.
    struct Setup {
        var id = "rp"
        var isPublic = false
        var authMethod: ClientSpec.AuthMethod?
        var algorithm: SigningAlgorithm?
    }

    /// Installs the clients `setups` into app `poll` (confidential ones with ``secret``), and returns a rig for each.
    static func install(_ service: TestService, _ setups: [Setup] = [Setup()]) async throws -> [OpenIDProviderRig] {
        let services = service.application.services
        let runtimes = service.application.runtimes
        let appID = try #require(AppID(rawValue: "poll"))
        var app = try #require(try await services.storage.configuration.app(appID))
        let existing = try #require(runtimes.app(appID))
        for setup in setups {
            let clientID = try #require(ClientID(rawValue: setup.id))
            let spec = ClientSpec(
                id: clientID, redirectURIs: [redirectURI], postLogoutRedirectURIs: ["https://rp.example/bye"],
                tokenEndpointAuthMethod: setup.authMethod, idTokenAlgorithm: setup.algorithm)
            let digest =
                setup.isPublic ? nil : ClientSecretDigester(box: services.secretBox).digest(secret, appID: appID, clientID: clientID)
            app.clients.append(StoredClient(spec: spec, secretDigest: digest))
        }
        runtimes.install(try RuntimeBuilder(services: services).build(app, keyRing: existing.keyRing))
        service.rememberSecrets([secret])
        return setups.map { OpenIDProviderRig(service: service, clientID: $0.id, secret: $0.isPublic ? nil : secret) }
    }

    /// Installs one client and returns its rig.
    static func install(_ service: TestService, _ setup: Setup) async throws -> OpenIDProviderRig {
        try await install(service, [setup])[0]
    }

    /// The local user of the sample Telegram user, created by an exchange.
    func user() async throws -> UserRecord {
        let exchange = try await service.exchange(initData: service.signedInitData())
        service.rememberSecrets(Credentials(exchange).all)
        let id = try #require(exchange.json["user"]?["id"]?.stringValue.flatMap(UserID.init(rawValue:)))
        return try #require(try await service.application.services.storage.users.user(id: id))
    }

    /// A fresh code for this client, as the authorization endpoint would have issued it.
    func code(
        scopes: [String] = ["openid", "profile", "telegram"], nonce: String? = "n-0S6_WzA2Mj", challenge: String? = challenge,
        redirectURI: String = redirectURI, sessionID: String? = "sess-1"
    ) async throws -> String {
        let user = try await user()
        let code = Base64.urlEncode(SecureRandom.bytes(32))
        let now = service.clock.now
        try await service.application.services.storage.authorizationCodes.save(
            AuthorizationCode(
                hash: Array(SHA256.hash(data: Array(code.utf8))), appID: user.appID,
                clientID: try #require(ClientID(rawValue: clientID)), userID: user.id,
                login: UserLogin(at: now - 3, proof: .initData),
                request: AuthorizedRequest(redirectURI: redirectURI, scopes: scopes, nonce: nonce, codeChallenge: challenge),
                sessionID: sessionID, expiresAt: now + 60))
        service.rememberSecrets([code])
        return code
    }

    /// How the client authenticates a request.
    enum Authentication {
        case basic
        case post
        case none
    }

    /// `POST path` with the form `fields`, authenticated as `authentication`.
    func post(
        _ path: String, _ fields: [(String, String)], as authentication: Authentication = .basic,
        secret presented: String? = nil
    ) async throws -> TestService.Reply {
        var fields = fields
        var headers: [(String, String)] = []
        let secret = presented ?? self.secret ?? ""
        switch authentication {
        case .basic:
            headers.append(("Authorization", "Basic " + Data("\(Self.formEncoded(clientID)):\(Self.formEncoded(secret))".utf8).base64EncodedString()))
        case .post:
            fields += [("client_id", clientID), ("client_secret", secret)]
        case .none:
            fields.append(("client_id", clientID))
        }
        let body = fields.map { "\(Self.formEncoded($0.0))=\(Self.formEncoded($0.1))" }.joined(separator: "&")
        let reply = try await service.request(
            .post, path, body: body, contentType: "application/x-www-form-urlencoded", headers: headers)
        for member in ["access_token", "id_token", "refresh_token"] {
            if let token = reply.json[member]?.stringValue { service.rememberSecrets([token]) }
        }
        return reply
    }

    /// The token endpoint's answer to `code` with `verifier`.
    func redeem(
        _ code: String, verifier: String? = verifier, redirectURI: String = redirectURI, as authentication: Authentication = .basic
    ) async throws -> TestService.Reply {
        var fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI)]
        if let verifier { fields.append(("code_verifier", verifier)) }
        return try await post("/apps/poll/token", fields, as: authentication)
    }

    /// `GET /apps/poll/userinfo` with the bearer `token`.
    func userInfo(_ token: String) async throws -> TestService.Reply {
        try await service.request(.get, "/apps/poll/userinfo", headers: [("Authorization", "Bearer " + token)])
    }

    private static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
