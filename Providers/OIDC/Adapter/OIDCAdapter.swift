import ProviderKit
import StrictJSON
import TelegateCore
import TelegramAuth

/// The built-in issuer (kind `oidc`): Telegate's own OpenID Connect ID tokens and RFC 9068 access tokens, verified
/// by Convex, Supabase, Hasura, PostgREST or any backend that trusts an issuer through its discovery document and
/// JWKS. Refresh tokens rotate and detect reuse.
public struct OIDCAdapter: SigningAdapter, RefreshGrantAdapter {
    public static let kind = "oidc"
    public static var configSchema: AdapterConfigSchema { OIDCSettings.schema }
    /// The exchange's nonce goes into the ID token as its SHA-256 hex (``OIDCTokenFactory/nonceClaim(_:)``).
    public static var usesNonce: Bool { true }

    private let settings: OIDCSettings
    private let context: AdapterContext
    private let tokens: OIDCTokenFactory

    public init(config: AdapterConfig, context: AdapterContext) throws {
        self.settings = try OIDCSettings.decode(config, adapterName: context.adapterName, issuer: context.issuer)
        self.context = context
        self.tokens = OIDCTokenFactory(settings: settings, issuer: context.issuer)
    }

    public var signingAlgorithm: SigningAlgorithm { settings.algorithm }
    public var longestTokenLifetime: Int64 { max(settings.idTokenTTL, settings.accessTokenTTL) }
    public var refreshTokenTTL: Int64 { settings.refreshTokenTTL }

    public func issue(for subject: Subject, options: IssueOptions) async throws -> Credential {
        let user = subject.user
        let signer = try await context.keyRing.signer(for: settings.algorithm)
        let now = context.clock.now
        var members: [(key: String, value: JSONValue)] = [
            (
                "idToken",
                .string(try tokens.idToken(
                        for: user, now: now, authTime: now, method: Self.method(subject.identity.proof), nonce: options.nonce,
                        signer: signer))
            ),
            ("accessToken", .string(try tokens.accessToken(for: user, now: now, authTime: now, signer: signer))),
            ("tokenType", .string("Bearer")), ("expiresIn", .integer(settings.accessTokenTTL)),
            ("scope", .string(settings.scopes.joined(separator: " "))),
        ]
        if settings.refreshTokenTTL > 0 {
            // The family's first token is sealed, not stored: a returning user's exchange writes nothing.
            let refresh = try context.refreshTokens.issue(
                appID: context.appID, userID: user.id, adapter: context.adapterName, ttl: settings.refreshTokenTTL,
                absoluteTTL: settings.refreshTokenAbsoluteTTL)
            members.append(("refreshToken", .string(refresh.token)))
            members.append(("refreshExpiresIn", .integer(refresh.expiresAt - now)))
        }
        return Credential(type: "oidc", members: members)
    }

    public func refreshed(user: UserRecord, family: RefreshFamily, refreshToken: String, refreshExpiresAt: Int64)
        async throws -> TokenResponse
    {
        let signer = try await context.keyRing.signer(for: settings.algorithm)
        let now = context.clock.now
        return TokenResponse(
            accessToken: try tokens.accessToken(for: user, now: now, authTime: family.createdAt, signer: signer),
            expiresIn: settings.accessTokenTTL,
            idToken: try tokens.idToken(for: user, now: now, authTime: family.createdAt, method: nil, nonce: nil, signer: signer),
            refreshToken: refreshToken, scope: settings.scopes.joined(separator: " "))
    }

    public func check() async -> AdapterHealth {
        do {
            let signer = try await context.keyRing.signer(for: settings.algorithm)
            _ = try signer.sign(claims: .object([("check", .bool(true))]), type: "JWT")
            return AdapterHealth(ok: true, message: "signing with \(settings.algorithm.rawValue) key \(signer.kid)")
        } catch {
            return AdapterHealth(ok: false, message: "cannot sign: the signing key is unavailable")
        }
    }

    /// The `amr` value for a proof kind.
    static func method(_ proof: TelegramIdentity.Proof) -> String {
        switch proof {
        case .initData: "telegram_mini_app"
        case .widget: "telegram_login_widget"
        case .telegramOIDC: "telegram_oidc"
        }
    }
}
