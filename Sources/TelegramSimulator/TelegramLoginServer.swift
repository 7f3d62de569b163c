import Crypto
import Foundation
import SimulatorKit
import StrictJSON
import Synchronization
import TelegramAuth

/// The state of a simulated `oauth.telegram.org`: the codes it issued, and the rules of its authorization and
/// token endpoints.
public final class TelegramLoginServer: Sendable {
    /// An issued authorization code and what it is bound to.
    struct Grant: Sendable {
        let botID: Int64
        let redirectURI: String
        let scopes: [String]
        let nonce: String?
        let codeChallenge: String?
        let expiresAt: Int64
    }

    /// The scopes Telegram Login knows.
    static let knownScopes: Set<String> = ["openid", "profile", "phone", "telegram:bot_access"]

    public let configuration: TelegramSimulatorConfiguration
    private let grants = Mutex<[String: Grant]>([:])

    /// A server with `configuration`.
    public init(configuration: TelegramSimulatorConfiguration) {
        self.configuration = configuration
    }

    /// How many issued codes have not been redeemed yet (expired ones included).
    public var outstandingCodes: Int { grants.withLock { $0.count } }

    /// `GET /auth`: checks the request the way Telegram does and, the configured user approving, returns where to
    /// redirect (the redirect URI with `code` and `state`).
    func authorize(_ query: [String: String]) throws(TelegramSimulatorError) -> String {
        guard let clientID = query["client_id"], let botID = Int64(clientID),
            let bot = configuration.bots.first(where: { $0.id == botID })
        else { throw .page("Bot not found: client_id must be the id of a bot registered for Telegram Login.") }
        guard let redirectURI = query["redirect_uri"], bot.allowsRedirect(to: redirectURI) else {
            throw .page("The redirect_uri is not among the bot's Allowed URLs.")
        }
        let state = query["state"]
        func refuse(_ error: String) -> TelegramSimulatorError { .redirect(to: redirectURI, error: error, state: state) }
        guard query["response_type"] == "code" else { throw refuse("unsupported_response_type") }
        let scopes = (query["scope"] ?? "").split(separator: " ").map(String.init)
        guard scopes.contains("openid"), scopes.allSatisfy(Self.knownScopes.contains) else { throw refuse("invalid_scope") }
        let challenge = query["code_challenge"]
        if challenge != nil || query["code_challenge_method"] != nil {
            guard query["code_challenge_method"] == "S256", let challenge, challenge.utf8.count == 43 else {
                throw refuse("invalid_request")
            }
        }
        let code = Self.randomToken()
        let grant = Grant(
            botID: botID, redirectURI: redirectURI, scopes: scopes, nonce: query["nonce"], codeChallenge: challenge,
            expiresAt: configuration.now() + configuration.codeTTL)
        grants.withLock { $0[code] = grant }
        var location = redirectURI + (redirectURI.contains("?") ? "&" : "?") + "code=" + TelegramSimulator.queryEncoded(code)
        if let state { location += "&state=" + TelegramSimulator.queryEncoded(state) }
        return location
    }

    /// What a token request is told to get wrong (``SimulatorKit/SimulatorFault/Misbehaviour``).
    enum TokenFlaw {
        case wrongAudience, unknownKey, expired
    }

    /// `POST /token`: authenticates the bot (`client_secret_basic` or `client_secret_post`), redeems the code once
    /// (checking its bot, redirect URI and PKCE verifier) and answers with an access token and a signed ID token.
    func token(
        _ fields: [String: String], authorization: String?, keys: (published: TelegramSigningKey, unpublished: TelegramSigningKey),
        issuer: String, flaw: TokenFlaw?
    ) throws(TelegramSimulatorError) -> JSONValue {
        let basic = SimulatorFormInput.basicCredentials(authorization)
        if authorization != nil, basic == nil { throw .invalidClient(basic: true) }
        if basic != nil, fields["client_secret"] != nil {
            throw .invalidRequest("use one client authentication method, not both")
        }
        guard let clientID = basic?.id ?? fields["client_id"], let secret = basic?.secret ?? fields["client_secret"],
            let botID = Int64(clientID), let bot = configuration.bots.first(where: { $0.id == botID }),
            ConstantTime.equal(secret, bot.clientSecret)
        else { throw .invalidClient(basic: basic != nil) }
        if let bodyID = fields["client_id"], bodyID != clientID { throw .invalidRequest("client_id does not match the credentials") }
        guard fields["grant_type"] == "authorization_code" else {
            throw .token(.badRequest, "unsupported_grant_type", "only authorization_code is supported")
        }
        guard let code = fields["code"], let redirectURI = fields["redirect_uri"] else {
            throw .invalidRequest("code and redirect_uri are required")
        }
        // A code is used up by the first request that presents it for its bot, whatever that request's outcome.
        let grant = grants.withLock { grants -> Grant? in
            guard let grant = grants[code], grant.botID == botID else { return nil }
            grants[code] = nil
            return grant
        }
        guard let grant, grant.expiresAt > configuration.now() else { throw .invalidGrant("the code is invalid, used or expired") }
        guard grant.redirectURI == redirectURI else { throw .invalidGrant("redirect_uri differs from the authorization request") }
        if let challenge = grant.codeChallenge {
            guard let verifier = fields["code_verifier"], (43...128).contains(verifier.utf8.count),
                Base64.urlEncode(Array(SHA256.hash(data: Array(verifier.utf8)))) == challenge
            else { throw .invalidGrant("the code_verifier does not match the code_challenge") }
        } else if fields["code_verifier"] != nil {
            throw .invalidGrant("the authorization request had no code_challenge")
        }
        let idToken: String
        do {
            let claims = idTokenClaims(grant, issuer: issuer, flaw: flaw)
            idToken = try (flaw == .unknownKey ? keys.unpublished : keys.published).sign(claims)
        } catch {
            throw .token(.internalServerError, "server_error", "the ID token could not be signed")
        }
        return .object([
            ("access_token", .string(Self.randomToken())), ("token_type", .string("Bearer")),
            ("expires_in", .integer(configuration.tokenTTL)), ("scope", .string(grant.scopes.joined(separator: " "))),
            ("id_token", .string(idToken)),
        ])
    }

    /// The ID token's claims for `grant`, as Telegram lists them per scope.
    private func idTokenClaims(_ grant: Grant, issuer: String, flaw: TokenFlaw?) -> JSONValue {
        let user = configuration.user
        var now = configuration.now()
        if flaw == .expired { now -= configuration.tokenTTL + 600 }
        let audience = flaw == .wrongAudience ? grant.botID + 1 : grant.botID
        var claims: [(key: String, value: JSONValue)] = [
            ("iss", .string(issuer)), ("aud", .string(String(audience))), ("sub", .string(Self.subject(user.id, bot: grant.botID))),
            ("iat", .integer(now)), ("exp", .integer(now + configuration.tokenTTL)),
        ]
        if configuration.echoesNonce, let nonce = grant.nonce { claims.append(("nonce", .string(nonce))) }
        if grant.scopes.contains("profile") {
            let name = [user.firstName, user.lastName].compactMap { $0 }.joined(separator: " ")
            claims += [("id", .integer(user.id)), ("name", .string(name)), ("given_name", .string(user.firstName))]
            if let last = user.lastName { claims.append(("family_name", .string(last))) }
            if let username = user.username { claims.append(("preferred_username", .string(username))) }
            if let photo = user.photoURL { claims.append(("picture", .string(photo))) }
        }
        if grant.scopes.contains("phone"), let phone = user.phoneNumber {
            claims += [("phone_number", .string(phone)), ("phone_number_verified", .bool(true))]
        }
        return .object(claims)
    }

    /// The opaque `sub`: a large decimal number per user and bot, unrelated to the Telegram user id.
    static func subject(_ userID: Int64, bot botID: Int64) -> String {
        let digest = Array(SHA256.hash(data: Array("sub:\(botID):\(userID)".utf8)))
        return String(digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } >> 1)
    }

    private static func randomToken() -> String {
        Base64.urlEncode((0..<32).map { _ in UInt8.random(in: .min ... .max) })
    }
}
