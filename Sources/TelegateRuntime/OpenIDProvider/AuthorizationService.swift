import Logging
import TelegateCore
import TelegateIssuer
import TelegramAuth

/// The authorization endpoint of an app's OpenID Provider (OpenID Connect Core §3.1.2): checks the request, finds or
/// starts the browser session with a Telegram proof, asks for consent where the client needs it, and issues the
/// code.
///
/// Stateless between requests: the login and consent forms carry the whole request back, and every submission is
/// checked again from the start. An unknown client or redirect URI is shown to the user, never redirected; every
/// other error is redirected to the client with its `state`. Nothing is stored for a proof that fails.
public struct AuthorizationService: Sendable {
    /// How long a code may be redeemed, in seconds.
    public static let codeLifetime: Int64 = 60

    /// What the browser sent besides the request's parameters.
    public enum Submission: Sendable {
        /// Only the request: the first arrival, by GET or POST.
        case request
        /// The login form with a proof.
        case login(LoginProof)
        /// The consent form, with the user's answer.
        case consent(allow: Bool)
        /// Telegram's answer to a Telegram Login through its OpenID Provider, verified.
        case telegramLogin(TelegramLoginCompletion)
    }

    private let runtimes: RuntimeRegistry
    private let services: TelegateServices
    private let identities: IdentityResolver
    private let sessions: BrowserSessions
    private let loginEvents: LoginEvents

    /// Creates the service.
    public init(runtimes: RuntimeRegistry, services: TelegateServices) {
        self.runtimes = runtimes
        self.services = services
        identities = IdentityResolver(
            users: services.storage.users, clock: services.clock, faults: services.faults)
        sessions = BrowserSessions(store: services.storage.browserSessions, users: services.storage.users, clock: services.clock)
        loginEvents = LoginEvents(services: services)
    }

    /// Answers one submission of `parameters` to the authorization endpoint of `appID`; `sessionCookie` is the
    /// browser's session cookie, if it sent one.
    public func authorize(
        appID: AppID, parameters: [String: String], submission: Submission, sessionCookie: String?, requestID: String?
    ) async throws -> AuthorizationOutcome {
        guard let runtime = runtimes.app(appID) else {
            return AuthorizationOutcome(Self.page(.appNotFound, "There is no such app."))
        }
        let target: (clientID: String, redirectURI: String)
        do {
            target = try AuthorizationRequest.target(parameters)
        } catch {
            return AuthorizationOutcome(Self.page(.invalidRequest, error.message))
        }
        guard let client = runtime.client(target.clientID) else {
            return AuthorizationOutcome(Self.page(.unknownClient, "This app has no such client."))
        }
        guard client.allowsRedirect(to: target.redirectURI) else {
            return AuthorizationOutcome(Self.page(.redirectURINotRegistered, "The redirect URI is not registered for this client."))
        }
        let redirect = Redirect(redirectURI: target.redirectURI, state: parameters["state"], issuer: runtime.issuer)
        let request: AuthorizationRequest
        do {
            request = try AuthorizationRequest(
                parameters, clientID: target.clientID, redirectURI: target.redirectURI, isPublicClient: client.isPublic,
                allowedScopes: client.spec.scopes)
        } catch {
            return AuthorizationOutcome(.redirect(redirect.failure(error)))
        }
        do {
            let flow = Flow(
                service: self, runtime: runtime, client: client, request: request, redirect: redirect, requestID: requestID)
            return try await flow.answer(submission, sessionCookie: sessionCookie)
        } catch let error as TelegateError where error.status == 503 {
            return AuthorizationOutcome(.redirect(redirect.failure(.temporarilyUnavailable)))
        }
    }

    /// The error page of `code`.
    private static func page(_ code: TelegateError.Code, _ message: String) -> AuthorizationOutcome.Action {
        .errorPage(status: code.status, code: code.rawValue, message: message)
    }

    /// One request being answered for a client whose redirect URI is known.
    private struct Flow {
        let service: AuthorizationService
        let runtime: AppRuntime
        let client: RegisteredClient
        let request: AuthorizationRequest
        let redirect: Redirect
        let requestID: String?

        func answer(_ submission: Submission, sessionCookie: String?) async throws -> AuthorizationOutcome {
            switch submission {
            case .login(let proof):
                return try await login(proof: proof.proof.kindName, replacing: sessionCookie) {
                    let bot = try runtime.bot(proof.botID)
                    return (try await bot.verify(proof.proof), bot.settings.botID)
                }
            case .telegramLogin(let completion):
                return try await login(proof: "telegram_oidc", replacing: sessionCookie) { (completion.identity, completion.botID) }
            case .request:
                guard let current = try await service.sessions.current(sessionCookie, app: runtime.settings),
                    !needsFreshProof(current.session)
                else {
                    if request.prompt == AuthorizationRequest.Prompt.none {
                        return AuthorizationOutcome(
                            .redirect(redirect.failure(OAuthError(.loginRequired, "the user is not signed in"))))
                    }
                    return AuthorizationOutcome(.login(prompt))
                }
                return try await continued(current.session, user: current.user)
            case .consent(let allow):
                guard let current = try await service.sessions.current(sessionCookie, app: runtime.settings) else {
                    return AuthorizationOutcome(.login(prompt))
                }
                guard allow else {
                    return AuthorizationOutcome(.redirect(redirect.failure(OAuthError(.accessDenied, "the user refused"))))
                }
                try await service.services.storage.consents.record(
                    Consent(
                        appID: runtime.settings.id, userID: current.user.id, clientID: client.id, scopes: request.scopes,
                        grantedAt: service.services.clock.now))
                return AuthorizationOutcome(.redirect(try await issue(current.session, user: current.user)))
            }
        }

        /// The login page's prompt: the app's default bot for the `oauth.telegram.org` redirect, and for the Login
        /// Widget when it has a username, when its token is known (the `tgAuthResult` and the widget's answer are
        /// signed with the token); and whether it offers Telegram's OpenID Connect login.
        private var prompt: LoginPrompt {
            let bot = try? runtime.bot(nil)
            var prompt = LoginPrompt(request: request, botID: nil)
            if let bot, case .token = bot.settings.verification {
                prompt.botID = bot.settings.botID
                prompt.widgetBotUsername = bot.settings.spec.username
            }
            prompt.offersTelegramOIDC = bot?.settings.oidcClientSecret != nil
            return prompt
        }

        /// Whether the request asks for a newer proof than the session's: `prompt=login`, or `max_age` exceeded.
        private func needsFreshProof(_ session: BrowserSession) -> Bool {
            if request.prompt == .login { return true }
            guard let maxAge = request.maxAge else { return false }
            return service.services.clock.now - session.login.at > maxAge
        }

        /// Verifies the proof (`verified` names the identity and the bot that checked it), resolves the local user
        /// as the exchange does, starts a session and records the sign-in's events as the exchange does.
        private func login(
            proof: String, replacing: String?, _ verified: () async throws -> (identity: TelegramIdentity, botID: Int64)
        ) async throws -> AuthorizationOutcome {
            let subject: Subject
            do {
                let (identity, botID) = try await verified()
                subject = try await service.identities.resolve(
                    appID: runtime.settings.id, identity: identity, botID: botID, requestID: requestID)
            } catch let error as TelegateError where error.status != 503 {
                service.services.logger.info(
                    "authorization login refused",
                    metadata: [
                        "app": "\(runtime.settings.id)", "client": "\(client.id)", "proof": "\(proof)",
                        "code": "\(error.code)", "request_id": "\(requestID ?? "-")",
                    ])
                return AuthorizationOutcome(AuthorizationService.page(error.code, error.message))
            }
            let login = UserLogin(at: service.services.clock.now, proof: subject.identity.proof)
            let started = try await service.sessions.start(
                user: subject.user, login: login, app: runtime.settings, replacing: replacing)
            try await service.loginEvents.signedIn(subject, to: .client(client.id), in: runtime)
            var outcome = try await continued(started.session, user: subject.user)
            outcome.startedSession = (started.cookie, runtime.settings.sessionLifetime)
            return outcome
        }

        /// With a usable session: the consent page when the client needs a consent the user has not given, else
        /// the code.
        private func continued(_ session: BrowserSession, user: UserRecord) async throws -> AuthorizationOutcome {
            if client.spec.consent == .required {
                let given = try await service.services.storage.consents.consent(
                    appID: runtime.settings.id, userID: user.id, clientID: client.id)
                if given?.covers(request.scopes) != true {
                    if request.prompt == AuthorizationRequest.Prompt.none {
                        return AuthorizationOutcome(
                            .redirect(redirect.failure(OAuthError(.consentRequired, "the user has not consented"))))
                    }
                    return AuthorizationOutcome(.consent(request, userName: user.profile.displayName))
                }
            }
            return AuthorizationOutcome(.redirect(try await issue(session, user: user)))
        }

        /// Stores a new code bound to the request and returns the redirect that carries it.
        private func issue(_ session: BrowserSession, user: UserRecord) async throws -> String {
            let secret = RandomSecret()
            let code = AuthorizationCode(
                hash: secret.hash, appID: runtime.settings.id, clientID: client.id, userID: user.id, login: session.login,
                request: AuthorizedRequest(
                    redirectURI: request.redirectURI, scopes: request.scopes, nonce: request.nonce,
                    codeChallenge: request.codeChallenge),
                sessionID: session.id, expiresAt: service.services.clock.now + AuthorizationService.codeLifetime)
            try await service.services.storage.authorizationCodes.save(code)
            return redirect.success(code: secret.value)
        }
    }

    /// The client's redirect URI, the request's `state` and the issuer: what every answer sent back carries.
    private struct Redirect {
        let redirectURI: String
        let state: String?
        let issuer: String

        func success(code: String) -> String {
            AuthorizationResponse.success(redirectURI: redirectURI, code: code, state: state, issuer: issuer)
        }

        func failure(_ error: OAuthError) -> String {
            AuthorizationResponse.failure(redirectURI: redirectURI, error: error, state: state, issuer: issuer)
        }
    }
}
