import Foundation
import ProviderKit
import TelegateCore
import TelegramAuth

/// The Management API access token of the adapter's machine-to-machine app, fetched with `client_credentials`
/// (`resource` = the Management API, `scope=all`) and held in a ``CachedAccessToken`` (one fetch at a time, renewed
/// before it expires, dropped when the Management API refuses it). Never logged.
enum LogtoM2MToken {
    /// The cache of the app's token, fetched through `upstream` and timed on `clock`.
    static func cache(settings: LogtoSettings, upstream: UpstreamClient, clock: WallClock) -> CachedAccessToken {
        CachedAccessToken(clock: clock) { try await fetch(settings: settings, upstream: upstream) }
    }

    private static func fetch(settings: LogtoSettings, upstream: UpstreamClient) async throws -> CachedAccessToken.Grant {
        let response = try await upstream.send(
            .form(
                .POST, settings.tokenEndpoint,
                [("grant_type", "client_credentials"), ("resource", settings.managementResource), ("scope", "all")],
                headers: [("Authorization", basic(settings.m2mClientID, settings.m2mClientSecret))],
                // A repeated fetch only yields another valid token.
                idempotent: true, operation: "m2m_token"))
        switch response.status {
        case 200:
            return try CachedAccessToken.Grant(tokenResponse: try response.json(provider: "Logto"), provider: "Logto")
        case 400, 401, 403:
            throw TelegateError.adapterMisconfigured(
                "Logto",
                "the machine-to-machine app could not get a Management API token (check m2mClientId, m2mClientSecret, managementResource and the app's Management API role)"
            )
        default:
            throw TelegateError.upstreamInvalidResponse("Logto")
        }
    }

    /// `Basic base64(id:secret)` with both parts form-encoded first (RFC 6749 §2.3.1).
    static func basic(_ id: String, _ secret: String) -> String {
        let pair = UpstreamRequest.formEncoded(id) + ":" + UpstreamRequest.formEncoded(secret)
        return "Basic " + Data(pair.utf8).base64EncodedString()
    }
}
