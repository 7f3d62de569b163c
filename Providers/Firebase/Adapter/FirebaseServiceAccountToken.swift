import ProviderKit
import StrictJSON
import TelegateCore
import TelegramAuth

/// The service account's OAuth access token for Identity Toolkit's admin API, as the Admin SDKs get it: the
/// JWT-bearer grant (RFC 7523) with an RS256 assertion signed by the account's key (`iss` = the account's email,
/// `aud` = the token endpoint, scope `identitytoolkit`, an hour long), held in a ``CachedAccessToken``. Never
/// logged.
enum FirebaseServiceAccountToken {
    static let scope = "https://www.googleapis.com/auth/identitytoolkit"
    static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    /// The assertion's lifetime: the longest Google accepts.
    static let assertionLifetime: Int64 = 3600

    /// The cache of the account's token, fetched through `upstream` and timed on `clock`.
    static func cache(settings: FirebaseSettings, upstream: UpstreamClient, clock: WallClock) -> CachedAccessToken {
        CachedAccessToken(clock: clock) { try await fetch(settings: settings, upstream: upstream, now: clock.now) }
    }

    private static func fetch(settings: FirebaseSettings, upstream: UpstreamClient, now: Int64) async throws
        -> CachedAccessToken.Grant
    {
        let account = settings.serviceAccount
        let assertion = try account.sign(
            .object([
                ("iss", .string(account.email)), ("scope", .string(scope)), ("aud", .string(settings.tokenURL)),
                ("iat", .integer(now)), ("exp", .integer(now + assertionLifetime)),
            ]))
        let response = try await upstream.send(
            .form(
                .POST, settings.tokenURL, [("grant_type", grantType), ("assertion", assertion)],
                // A repeated fetch only yields another valid token.
                idempotent: true, operation: "oauth_token"))
        switch response.status {
        case 200:
            return try CachedAccessToken.Grant(tokenResponse: try response.json(provider: "Firebase"), provider: "Firebase")
        case 400, 401, 403:
            throw TelegateError.adapterMisconfigured(
                "Firebase",
                "Google refused the service account's token request (check that the key is not deleted or disabled)")
        default:
            throw TelegateError.upstreamInvalidResponse("Firebase")
        }
    }
}
