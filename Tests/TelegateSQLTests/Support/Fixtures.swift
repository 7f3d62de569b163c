import StrictJSON
@testable import TelegateCore
import TelegramAuth

/// Realistic records for the store conformance suite.
enum Fixture {
    /// The suite's "now", in Unix seconds.
    static let now: Int64 = 1_790_000_000

    static let poll = AppID(rawValue: "poll")!
    static let quiz = AppID(rawValue: "quiz")!
    static let convex = AdapterName(rawValue: "convex")!
    static let clerk = AdapterName(rawValue: "clerk")!

    /// `count` random bytes.
    static func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max) }
    }

    /// A value shaped like the output of the secret box: `v1.` and base64url of nonce, ciphertext and tag.
    static func sealed(plaintextBytes: Int = 64) -> String {
        "v1." + Base64.urlEncode(randomBytes(12 + plaintextBytes + 16))
    }

    // MARK: Configuration

    /// A bot verified with keys derived from its token.
    static func tokenBot(
        _ botID: Int64 = 7_000_000_001, label: String? = "prod", isDefault: Bool = true,
        reference: String? = "env:POLL_BOT_TOKEN"
    ) -> StoredBot {
        StoredBot(
            botID: botID, label: label, username: "poll_bot", isDefault: isDefault,
            mode: .token(
                sealedKeys: sealed(), reference: reference, fingerprint: "sha256:" + Base64.urlEncode(randomBytes(8)),
                lastFour: "1zfQ"),
            oidcAlgorithms: [.rs256, .es256], requireNonce: true,
            oidcClientSecret: SealedBotSecret(
                reference: "env:POLL_OIDC_CLIENT_SECRET", sealed: sealed(), fingerprint: Base64.urlEncode(randomBytes(8))))
    }

    /// A bot verified with Telegram's Ed25519 signature.
    static func thirdPartyBot(_ botID: Int64 = 7_000_000_002, environment: TelegramEnvironment = .test) -> StoredBot {
        StoredBot(
            botID: botID, label: nil, isDefault: false, mode: .thirdParty(environment: environment),
            oidcAlgorithms: [.edDSA], requireNonce: false)
    }

    /// A Clerk adapter whose secret key is referenced from the environment and stored sealed.
    static func clerkAdapter(isDefault: Bool = false) -> StoredAdapter {
        StoredAdapter(
            name: clerk, kind: "clerk", isDefault: isDefault,
            config: json(
                """
                {"secretKey":"env:CLERK_SECRET_KEY","createUsers":true,"publicMetadata":{"source":"telegram","tier":null},\
                "sessionLifetime":3600,"rateLimit":12.5,"usernameTemplate":"tg_{username}","note":"Zürich — \\"prod\\" \\\\ 👋"}
                """),
            sealedSecrets: sealed())
    }

    /// A Convex adapter with no secrets.
    static func convexAdapter(isDefault: Bool = true) -> StoredAdapter {
        StoredAdapter(
            name: convex, kind: "convex", isDefault: isDefault,
            config: json(
                """
                {"deploymentURL":"https://happy-otter-123.convex.cloud","audience":"convex",\
                "profileClaims":["first_name","username","photo_url"],"tokenLifetime":900}
                """),
            sealedSecrets: nil)
    }

    static let django = ClientID(rawValue: "django")!
    static let spa = ClientID(rawValue: "spa")!

    /// A confidential client with every member set, its secret referenced from the environment and stored as a
    /// digest.
    static func confidentialClient(_ id: ClientID = django) -> StoredClient {
        StoredClient(
            spec: ClientSpec(
                id: id, secret: try! SecretReference("env:DJANGO_CLIENT_SECRET"),
                redirectURIs: ["https://site.example/accounts/oidc/telegate/login/callback/", "http://localhost:8000/cb"],
                postLogoutRedirectURIs: ["https://site.example/"], scopes: ["openid", "profile", "offline_access"],
                consent: .required, tokenEndpointAuthMethod: .clientSecretPost, idTokenAlgorithm: .es256),
            secretDigest: randomBytes(32))
    }

    /// A public client: defaults everywhere, no secret.
    static func publicClient(_ id: ClientID = spa) -> StoredClient {
        StoredClient(spec: ClientSpec(id: id, redirectURIs: ["https://spa.example/callback"]), secretDigest: nil)
    }

    /// An app with a token-mode bot and a third-party bot, two adapters and two OAuth clients, listed in the order
    /// the store returns them (bots by id, adapters by name, clients by id).
    static func app(_ id: AppID = poll) -> StoredApp {
        StoredApp(
            settings: AppSettings(
                id: id, corsOrigins: ["https://web.telegram.org", "https://\(id).example.com"], initDataMaxAge: 86_400,
                widgetMaxAge: 120),
            bots: [tokenBot(), thirdPartyBot()],
            adapters: [clerkAdapter(), convexAdapter()],
            clients: [confidentialClient(), publicClient()])
    }

    static func json(_ text: String) -> JSONValue {
        try! JSONValue.parse(text)
    }

    // MARK: Users

    static func profile(_ firstName: String = "Vladislav", username: String? = "vdkfrost") -> UserProfile {
        UserProfile(
            firstName: firstName, lastName: "Kibenko", username: username,
            photoURL: "https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg", languageCode: "ru",
            isPremium: true)
    }

    /// A candidate for the first login of Telegram user `telegramID` in `app`.
    static func user(
        _ app: AppID = poll, telegramID: Int64 = 279_058_397, profile: UserProfile = profile(),
        authDate: Int64 = now - 60, at: Int64 = now
    ) -> UserRecord {
        UserRecord(
            id: UserID.generate(milliseconds: UInt64(at) * 1000 + UInt64.random(in: 0..<1000)), appID: app,
            telegramID: telegramID, status: .active, profile: profile, profileAuthDate: authDate, createdAt: at,
            updatedAt: at)
    }

    // MARK: Provider links

    /// The link an adapter writes before it creates the provider user.
    static func creatingLink(_ user: UserRecord, adapter: AdapterName = convex, at: Int64 = now) -> ProviderLink {
        ProviderLink(
            appID: user.appID, adapter: adapter, userID: user.id, state: .creating, externalID: nil,
            syncedProfileDigest: nil, updatedAt: at)
    }

    /// The link once the provider user exists.
    static func linkedLink(_ user: UserRecord, adapter: AdapterName = convex, externalID: String, at: Int64 = now + 1)
        -> ProviderLink
    {
        ProviderLink(
            appID: user.appID, adapter: adapter, userID: user.id, state: .linked, externalID: externalID,
            syncedProfileDigest: Base64.urlEncode(randomBytes(32)), updatedAt: at)
    }

    // MARK: Signing keys

    /// A key id shaped like a JWK thumbprint.
    static func kid() -> String { Base64.urlEncode(randomBytes(32)) }

    static func signingKey(
        _ algorithm: SigningAlgorithm, state: StoredSigningKey.State, app: AppID = poll, kid: String = kid(),
        createdAt: Int64 = now
    ) -> StoredSigningKey {
        let members: [(key: String, value: JSONValue)] =
            switch algorithm {
            case .rs256: [("kty", .string("RSA")), ("n", .string(Base64.urlEncode(randomBytes(256)))), ("e", .string("AQAB"))]
            case .es256:
                [
                    ("kty", .string("EC")), ("crv", .string("P-256")), ("x", .string(Base64.urlEncode(randomBytes(32)))),
                    ("y", .string(Base64.urlEncode(randomBytes(32)))),
                ]
            case .edDSA: [("kty", .string("OKP")), ("crv", .string("Ed25519")), ("x", .string(Base64.urlEncode(randomBytes(32))))]
            }
        return StoredSigningKey(
            appID: app, kid: kid, algorithm: algorithm, state: state, sealedPrivateKey: sealed(),
            publicJWK: .object([("kid", .string(kid)), ("alg", .string(algorithm.rawValue)), ("use", .string("sig"))] + members),
            createdAt: createdAt)
    }

    // MARK: Refresh tokens

    /// The stored form of a fresh refresh token (a SHA-256 hash).
    static func tokenHash() -> [UInt8] { randomBytes(32) }

    static func family(_ user: UserRecord, adapter: AdapterName = convex, at: Int64 = now) -> RefreshFamily {
        RefreshFamily(
            id: SortableID.generate(milliseconds: UInt64(at) * 1000), appID: user.appID, userID: user.id, adapter: adapter,
            createdAt: at, expiresAt: at + 30 * 86_400)
    }

    static func token(_ family: RefreshFamily, generation: Int = 0, at: Int64 = now) -> RefreshTokenRecord {
        RefreshTokenRecord(
            hash: tokenHash(), familyID: family.id, generation: generation, state: .active, createdAt: at,
            expiresAt: min(at + 14 * 86_400, family.expiresAt))
    }
}

extension TelegateStorage {
    /// Saves `app` and inserts a first user in it, as the first exchange would.
    @discardableResult
    func seedUser(_ app: AppID = Fixture.poll, telegramID: Int64 = 279_058_397) async throws -> UserRecord {
        if try await configuration.app(app) == nil { try await configuration.save(Fixture.app(app)) }
        return try await users.insertIfAbsent(Fixture.user(app, telegramID: telegramID)).user
    }
}
