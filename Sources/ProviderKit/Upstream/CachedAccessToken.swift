import StrictJSON
import Synchronization
import TelegateCore
import TelegramAuth

/// An OAuth access token an adapter holds for its own calls to a provider's admin API (Logto's machine-to-machine
/// token, a Google service account's token): fetched by one caller at a time however many need it, cached until
/// shortly before it expires, and dropped when the API refuses it. Never logged.
public final class CachedAccessToken: Sendable {
    /// A token as its issuer granted it.
    public struct Grant: Sendable {
        /// The bearer value.
        public let value: String
        /// Seconds it stays valid from now (`expires_in`).
        public let lifetime: Int64

        /// A grant of `value` for `lifetime` seconds.
        public init(value: String, lifetime: Int64) {
            self.value = value
            self.lifetime = lifetime
        }

        /// Reads an OAuth token endpoint's `200` answer (`access_token`, `expires_in`); anything else is
        /// `502 upstream_invalid_response` naming `provider`.
        public init(tokenResponse body: JSONValue, provider: String) throws {
            guard let value = body["access_token"]?.stringValue, !value.isEmpty,
                let lifetime = body["expires_in"]?.integerValue, lifetime > 0
            else { throw TelegateError.upstreamInvalidResponse(provider) }
            self.init(value: value, lifetime: lifetime)
        }
    }

    private struct Cached: Sendable {
        let value: String
        /// When the token is renewed (Unix seconds): before it expires.
        let renewAt: Int64
    }

    /// Seconds before expiry at which a token is renewed, so it never expires mid-call.
    public static let renewalMargin: Int64 = 60

    private let clock: WallClock
    private let fetch: @Sendable () async throws -> Grant
    private let cached = Mutex<Cached?>(nil)
    private let flight = SingleFlight<Int, Cached>()

    /// A cache that gets its tokens from `fetch` (one call to the token endpoint) and times them on `clock`.
    public init(clock: WallClock, fetch: @escaping @Sendable () async throws -> Grant) {
        self.clock = clock
        self.fetch = fetch
    }

    /// A valid token: the cached one, or a new one fetched once for all concurrent callers.
    public func current() async throws -> String {
        if let token = cached.withLock({ $0 }), clock.now < token.renewAt { return token.value }
        return try await flight.run(0) {
            if let token = self.cached.withLock({ $0 }), self.clock.now < token.renewAt { return token }
            let grant = try await self.fetch()
            // Renew a minute early, or at a tenth of the lifetime left for very short-lived tokens.
            let fresh = Cached(value: grant.value, renewAt: self.clock.now + grant.lifetime - min(Self.renewalMargin, grant.lifetime / 10))
            self.cached.withLock { $0 = fresh }
            return fresh
        }.value
    }

    /// Forgets `token` after the API refused it (revoked, or the credential rotated); a newer token fetched
    /// meanwhile is kept.
    public func discard(_ token: String) {
        cached.withLock { if $0?.value == token { $0 = nil } }
    }
}
