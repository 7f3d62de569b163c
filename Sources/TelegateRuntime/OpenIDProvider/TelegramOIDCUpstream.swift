import Foundation
import ProviderKit
import StrictJSON
import TelegateCore
import TelegateIssuer
import TelegramAuth

/// Telegate as the relying party of Telegram Login's OpenID Provider (`oauth.telegram.org`), for the hosted login
/// page: the authorization code flow with PKCE `S256`, the bot id as client id and the bot's Telegram-issued client
/// secret (`client_secret_basic`).
///
/// ``start(app:botID:parameters:)`` sends the browser to Telegram with the pending login sealed in a short-lived
/// cookie; ``finish(app:query:cookie:)`` checks Telegram's answer against that cookie (state, then the code
/// exchanged through the upstream client with its deadline, breaker and size cap), verifies the ID token with the
/// bot's ``TelegramOIDCVerifier`` (audience = the bot id, the login's nonce) and returns the identity. Nothing is
/// stored on either step.
public struct TelegramOIDCUpstream: Sendable {
    /// The cookie holding the pending login.
    public static let cookieName = "telegate_telegram_login"
    /// How long a started login may take to come back, seconds.
    public static let lifetime: Int64 = 600
    /// The scopes asked of Telegram: `profile` carries the Telegram user id (`id`) that links this login to Mini
    /// App and Login Widget logins.
    public static let scope = "openid profile"

    private let services: TelegateServices
    private let settings: TelegramOIDCSettings
    private let client: UpstreamClient

    /// The relying party for `services`' Telegram OIDC settings; one is kept for the server's life, so its
    /// circuit breaker sees every call.
    public init(services: TelegateServices) {
        self.services = services
        self.settings = services.telegramOIDC
        var policy = UpstreamClient.Policy()
        policy.maxBodyBytes = 64 * 1024
        policy.refusalsAreMisconfiguration = false
        self.client = UpstreamClient(
            provider: "Telegram Login", client: services.httpClient, policy: policy,
            urlPolicy: OutboundURLPolicy(allowInsecureLoopback: settings.allowInsecureLoopback), metrics: services.metrics,
            logger: services.logger)
    }

    /// Where Telegram sends the browser back: `<issuer>/authorize/telegram/callback`.
    public static func callbackURI(issuer: String) -> String { issuer + "/authorize/telegram/callback" }

    /// Begins a Telegram Login for the authorization request `parameters`, with bot `botID` (the app's default
    /// without one). The bot must have its Telegram Login client secret configured.
    public func start(app: AppRuntime, botID: Int64?, parameters: [(name: String, value: String)]) throws -> TelegramLoginStart {
        let bot = try app.bot(botID)
        guard bot.settings.oidcClientSecret != nil else { throw Self.notConfigured(bot.settings.botID) }
        let pending = TelegramLoginPending(
            appID: app.settings.id, botID: bot.settings.botID, binding: .random(),
            expiresAt: services.clock.now + Self.lifetime, parameters: parameters)
        let query: [(name: String, value: String)] = [
            ("client_id", String(pending.botID)), ("redirect_uri", Self.callbackURI(issuer: app.issuer)),
            ("response_type", "code"), ("scope", Self.scope), ("state", pending.binding.state),
            ("nonce", pending.binding.nonce), ("code_challenge", ProofKeyChallenge.challenge(of: pending.binding.verifier)),
            ("code_challenge_method", "S256"),
        ]
        let encoded = query.map { UpstreamRequest.formEncoded($0.name) + "=" + UpstreamRequest.formEncoded($0.value) }
        return TelegramLoginStart(
            location: settings.authorizationEndpoint + "?" + encoded.joined(separator: "&"),
            cookie: try pending.sealed(with: services.secretBox), maxAge: Self.lifetime)
    }

    /// Finishes the Telegram Login the cookie holds with Telegram's answer `query` (`code` and `state`, or `error`).
    public func finish(app: AppRuntime, query: [String: String], cookie: String?) async throws -> TelegramLoginCompletion {
        guard let cookie, let pending = TelegramLoginPending.open(cookie, appID: app.settings.id, box: services.secretBox) else {
            throw Self.stateInvalid("no Telegram Login was started in this browser; start again", reason: "missing")
        }
        guard pending.expiresAt > services.clock.now else {
            throw Self.stateInvalid("the Telegram Login took too long; start again", reason: "expired")
        }
        guard let state = query["state"], ConstantTime.equal(state, pending.binding.state) else {
            throw Self.stateInvalid("Telegram's answer is not for the login started in this browser", reason: "mismatch")
        }
        if let error = query["error"] {
            let known = ["access_denied", "invalid_request", "invalid_scope", "server_error", "temporarily_unavailable"]
            throw TelegateError(
                .telegramLoginDenied, "Telegram Login ended without a login",
                reason: known.contains(error) ? error : "other")
        }
        guard let code = query["code"], !code.isEmpty, code.utf8.count <= 2048 else {
            throw TelegateError(.invalidRequest, "Telegram's answer carries no code", reason: "missing_field")
        }
        let bot = try app.bot(pending.botID)
        guard let secret = bot.settings.oidcClientSecret else { throw Self.notConfigured(pending.botID) }
        let idToken = try await redeem(code, pending: pending, secret: secret, issuer: app.issuer)
        let identity: TelegramIdentity
        do {
            identity = try await bot.oidc.verify(idToken: idToken, codeFlowNonce: pending.binding.nonce)
        } catch {
            throw TelegateError(error)
        }
        return TelegramLoginCompletion(botID: pending.botID, identity: identity, parameters: pending.parameters)
    }

    /// Exchanges `code` at Telegram's token endpoint; returns the `id_token`.
    private func redeem(_ code: String, pending: TelegramLoginPending, secret: String, issuer: String) async throws -> String {
        let clientID = String(pending.botID)
        let credentials = UpstreamRequest.formEncoded(clientID) + ":" + UpstreamRequest.formEncoded(secret)
        let response = try await client.send(
            .form(
                .POST, settings.tokenEndpoint,
                [
                    ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.callbackURI(issuer: issuer)),
                    ("client_id", clientID), ("code_verifier", pending.binding.verifier),
                ],
                headers: [
                    ("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString()), ("Accept", "application/json"),
                ],
                idempotent: false, operation: "telegram_token"))
        let body = try response.json(provider: client.provider)
        guard response.status == 200 else {
            switch body["error"]?.stringValue {
            case "invalid_client"?, "unauthorized_client"?:
                throw TelegateError(
                    .telegramLoginRejected, "Telegram refused the bot's Telegram Login client secret", reason: "client_rejected")
            case "invalid_grant"?:
                throw TelegateError(.telegramLoginRejected, "Telegram refused the login's code; start again", reason: "code_rejected")
            default:
                throw TelegateError.upstreamInvalidResponse(client.provider)
            }
        }
        guard let idToken = body["id_token"]?.stringValue else { throw TelegateError.upstreamInvalidResponse(client.provider) }
        return idToken
    }

    private static func notConfigured(_ botID: Int64) -> TelegateError {
        TelegateError(
            .telegramLoginNotConfigured,
            "bot \(botID) has no Telegram Login client secret; set oidc.clientSecret to the one @BotFather shows")
    }

    private static func stateInvalid(_ message: String, reason: String) -> TelegateError {
        TelegateError(.telegramLoginStateInvalid, message, reason: reason)
    }
}
