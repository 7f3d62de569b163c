import AsyncHTTPClient
import Foundation
import JWTKit
import Logging

/// Verifies Telegate's ID tokens and RFC 9068 access tokens in an app's backend, from the issuer's discovery document
/// and JWKS alone.
///
/// Keys are fetched on first use (discovery, then JWKS) and cached. A token whose `kid` is not cached causes one
/// JWKS refetch, at most one per ``VerifierOptions/minimumRefetchInterval``; a failed fetch keeps the cached keys
/// working. Concurrent verifications share one fetch. The algorithm is the one the issuer published for the key:
/// `none` and `HS*` are always refused.
///
/// ```swift
/// let verifier = TelegateVerifier(issuer: URL(string: "https://auth.example.com/apps/poll")!,
///                                 audience: "https://auth.example.com/apps/poll/api/convex")
/// let token = try await verifier.verify(bearer, as: .accessToken)
/// print(token.subject)
/// ```
public actor TelegateVerifier {
    /// The issuer every token must name exactly in `iss`.
    public nonisolated let issuer: String
    /// The audience every token's `aud` must contain.
    public nonisolated let audience: String
    /// The clock the time checks (and the WebSocket authenticator's deadlines) read.
    public nonisolated let clock: VerifierClock
    private let options: VerifierOptions
    /// ``VerifierOptions/leeway``, in seconds.
    private nonisolated let leeway: TimeInterval
    private let fetcher: IssuerFetcher
    private let logger: Logger
    private var metadata: IssuerFetcher.Metadata?
    private var keys = PublishedKeys()
    /// Whether a JWKS fetch has succeeded once.
    private var hasKeys = false
    private var lastFetch: Date?
    private var fetching: Task<Void, Never>?
    /// How many JWKS fetches were made (successful or not); for operators' metrics and tests.
    public private(set) var keySetFetches = 0

    /// A verifier for tokens of `issuer` (`<publicURL>/apps/<app>`, exactly as discovery names it) meant for
    /// `audience` (the ID token's `aud`, or the access token's resource). `httpClient` is used as given and not shut
    /// down.
    public init(
        issuer: URL, audience: String, options: VerifierOptions = VerifierOptions(), httpClient: HTTPClient = .shared,
        clock: VerifierClock = .system, logger: Logger = Logger(label: "telegate.verifier")
    ) {
        self.issuer = issuer.absoluteString
        self.audience = audience
        self.options = options
        leeway = options.leeway.timeInterval
        self.clock = clock
        self.logger = logger
        fetcher = IssuerFetcher(client: httpClient, timeout: options.requestTimeout)
    }

    /// Verifies `token` as a token of `kind`: its signature with the issuer's published key and algorithm, `typ`,
    /// `iss`, `aud`, `exp`, `nbf` and `iat`. With `checkingRevocation`, then asks the issuer's introspection
    /// endpoint whether it is still active (one HTTP call; needs ``VerifierOptions/introspectionClient``).
    public func verify(_ token: String, as kind: TokenKind, checkingRevocation: Bool = false) async throws(VerificationError)
        -> VerifiedToken
    {
        let parsed = try CompactToken(token)
        guard let algorithm = parsed.header["alg"]?.stringValue, PublishedKeys.algorithms.contains(algorithm) else {
            throw .unsupportedAlgorithm
        }
        guard parsed.header["crit"] == nil else { throw .malformed }
        guard kind.accepts(type: parsed.header["typ"]?.stringValue) else { throw .wrongType }
        // The issuer is checked before any key lookup, so tokens of other issuers never cause a JWKS fetch.
        guard parsed.claims["iss"]?.stringValue == issuer else { throw .wrongIssuer }
        guard let kid = parsed.header["kid"]?.stringValue else { throw .unknownKey }
        let key = try await key(kid)
        guard key.algorithm == algorithm else { throw .algorithmMismatch }
        do {
            _ = try await key.collection.verify(token, as: SignedClaims.self)
        } catch {
            throw .invalidSignature
        }
        let verified = try VerifiedToken(kind: kind, claims: parsed.claims)
        guard verified.audiences.contains(audience) else { throw .wrongAudience }
        let now = clock.now()
        guard now < acceptedUntil(verified) else { throw .expired }
        if let notBefore = parsed.claims["nbf"] {
            guard let seconds = notBefore.integerValue else { throw .missingClaim("nbf") }
            guard TimeInterval(seconds) <= now.timeIntervalSince1970 + leeway else { throw .notYetValid }
        }
        guard verified.issuedAt.timeIntervalSince(now) <= leeway else { throw .notYetValid }
        if checkingRevocation {
            guard try await introspect(token).active else { throw .revoked }
        }
        return verified
    }

    /// The instant from which the verifier refuses `token` as expired: its `exp` plus the leeway. The WebSocket
    /// authenticator closes a connection at that instant, so a connection lives exactly as long as its token verifies.
    public nonisolated func acceptedUntil(_ token: VerifiedToken) -> Date {
        token.expiresAt.addingTimeInterval(leeway)
    }

    /// Asks the issuer's introspection endpoint (RFC 7662) about `token` (an access token or a refresh token),
    /// authenticated as ``VerifierOptions/introspectionClient``. The issuer answers `active: true` only for tokens
    /// of that client.
    public func introspect(_ token: String) async throws(VerificationError) -> Introspection {
        guard let client = options.introspectionClient else { throw .introspectionNotConfigured }
        if metadata == nil, fetching != nil || mayFetch { await refetch() }
        guard let metadata else { throw .introspectionUnavailable }
        guard let url = metadata.introspectionURL else { throw .introspectionNotConfigured }
        do {
            return try await fetcher.introspect(token, at: url, as: client)
        } catch {
            logger.warning("introspection failed", metadata: ["error": "\(error)"])
            throw .introspectionUnavailable
        }
    }

    /// The cached key `kid`, refetching the JWKS once when it is unknown and the last fetch is at least the minimum
    /// interval old (or there was none).
    private func key(_ kid: String) async throws(VerificationError) -> PublishedKeys.Key {
        if let key = keys.keys[kid] { return key }
        // A fetch under way is joined whatever the interval: it may bring the key.
        if fetching != nil || mayFetch { await refetch() }
        if let key = keys.keys[kid] { return key }
        throw hasKeys ? .unknownKey : .keysUnavailable
    }

    private var mayFetch: Bool {
        guard let lastFetch else { return true }
        return clock.now().timeIntervalSince(lastFetch) >= options.minimumRefetchInterval.timeInterval
    }

    /// One fetch of discovery (until it has succeeded once) and JWKS, shared by every caller waiting meanwhile.
    private func refetch() async {
        if let fetching { return await fetching.value }
        let task = Task { await fetchKeys() }
        fetching = task
        await task.value
        fetching = nil
    }

    private func fetchKeys() async {
        lastFetch = clock.now()
        keySetFetches += 1
        do {
            let metadata: IssuerFetcher.Metadata
            if let known = self.metadata {
                metadata = known
            } else {
                metadata = try await fetcher.metadata(at: discoveryURL, issuer: issuer)
                self.metadata = metadata
            }
            keys = try await fetcher.keys(at: metadata.jwksURL)
            hasKeys = true
        } catch {
            logger.warning("fetching the issuer's keys failed; the cached keys stay in use", metadata: ["error": "\(error)"])
        }
    }

    private var discoveryURL: String {
        options.discoveryURL?.absoluteString ?? issuer + "/.well-known/openid-configuration"
    }
}

/// The claims as JWTKit sees them while it checks the signature; the verifier checks the claims itself.
private struct SignedClaims: JWTPayload {
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
