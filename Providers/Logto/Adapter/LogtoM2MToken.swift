import Foundation
import ProviderKit
import StrictJSON
import Synchronization
import TelegateCore
import TelegramAuth

/// The Management API access token of the adapter's machine-to-machine app: fetched with `client_credentials`
/// (`resource` = the Management API, `scope=all`), cached until shortly before it expires, fetched by one caller
/// at a time however many need it, and dropped when the Management API refuses it. Never logged.
final class LogtoM2MToken: Sendable {
    private struct Cached {
        let value: String
        let expiresAt: Int64
    }

    private let settings: LogtoSettings
    private let upstream: UpstreamClient
    private let clock: WallClock
    private let cached = Mutex<Cached?>(nil)
    private let flight = SingleFlight<Int, Cached>()

    /// Seconds before expiry at which the token is renewed, so a token never expires mid-call.
    static let renewalMargin: Int64 = 60

    init(settings: LogtoSettings, upstream: UpstreamClient, clock: WallClock) {
        self.settings = settings
        self.upstream = upstream
        self.clock = clock
    }

    /// A valid token: the cached one, or a new one fetched once for all concurrent callers.
    func current() async throws -> String {
        let now = clock.now
        if let token = cached.withLock({ $0 }), now < token.expiresAt { return token.value }
        return try await flight.run(0) {
            if let token = self.cached.withLock({ $0 }), self.clock.now < token.expiresAt { return token }
            let fresh = try await self.fetch()
            self.cached.withLock { $0 = fresh }
            return fresh
        }.value
    }

    /// Forgets `token` after the Management API refused it (revoked, or the app's secret rotated); a newer token
    /// fetched meanwhile is kept.
    func discard(_ token: String) {
        cached.withLock { if $0?.value == token { $0 = nil } }
    }

    private func fetch() async throws -> Cached {
        let response = try await upstream.send(
            .form(
                .POST, settings.tokenEndpoint,
                [("grant_type", "client_credentials"), ("resource", settings.managementResource), ("scope", "all")],
                headers: [("Authorization", Self.basic(settings.m2mClientID, settings.m2mClientSecret))],
                // A repeated fetch only yields another valid token.
                idempotent: true, operation: "m2m_token"))
        switch response.status {
        case 200:
            let body = try response.json(provider: "Logto")
            guard let value = body["access_token"]?.stringValue, !value.isEmpty,
                let lifetime = body["expires_in"]?.integerValue, lifetime > 0
            else { throw TelegateError.upstreamInvalidResponse("Logto") }
            // Renew a minute early, or at a tenth of the lifetime left for very short-lived tokens.
            let margin = min(Self.renewalMargin, lifetime / 10)
            return Cached(value: value, expiresAt: clock.now + lifetime - margin)
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
