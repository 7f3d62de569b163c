import StrictJSON

/// Telegram's OIDC signing keys, fetched through discovery and cached.
///
/// - One fetch at a time (single-flight): concurrent verifications that need a refresh share it.
/// - An unknown `kid` triggers at most one refetch per ``refetchCooldown``; within the cooldown it fails fast, so a
///   flood of tokens with random `kid`s costs no outbound requests.
/// - Keys that cannot be used are skipped, not fatal (RFC 7517 §5): Telegram's set holds a secp256k1 key.
/// - A failed refresh keeps the last good keys for the `kid`s they cover; only an unknown `kid` then fails, with
///   ``TelegramAuthError/Code/keysUnavailable``.
/// - The discovery document must name the expected issuer and an `https` `jwks_uri` (or, for a stand-in configured
///   at a plain `http` discovery URL, one on that same origin); the key set URL is never taken from a token.
public actor TelegramKeySet {
    /// The issuer Telegram's tokens carry, byte for byte.
    public static let telegramIssuer = "https://oauth.telegram.org"

    private let fetcher: any TelegramOIDCFetcher
    private let discoveryURL: String
    /// The issuer the discovery document and every token must name, byte for byte.
    public nonisolated let issuer: String
    /// How often at most an unknown `kid` may trigger a refetch.
    public let refetchCooldown: Duration
    /// How long fetched keys are used before they are refreshed.
    public let maxAge: Duration
    private let uptime: @Sendable () -> Duration

    private var keys: [String: [VerificationKey]] = [:]
    private var loadedAt: Duration?
    private var lastAttempt: Duration?
    private var inFlight: Task<Bool, Never>?

    /// How many key-set refreshes reached the network (for tests and metrics).
    public private(set) var refreshCount = 0

    /// Creates a key set.
    ///
    /// - Parameters:
    ///   - fetcher: performs the HTTP requests.
    ///   - discoveryURL: the discovery document; a proxy may serve it, but it must still name `issuer`.
    ///   - issuer: the issuer the discovery document must name (Telegram's, unless testing).
    ///   - refetchCooldown: minimum spacing of refetches caused by unknown `kid`s (default 30 s).
    ///   - maxAge: how long keys are trusted before a refresh (default 10 min).
    ///   - uptime: a monotonic clock, injectable for tests.
    public init(
        fetcher: any TelegramOIDCFetcher,
        discoveryURL: String = "https://oauth.telegram.org/.well-known/openid-configuration",
        issuer: String = TelegramKeySet.telegramIssuer,
        refetchCooldown: Duration = .seconds(30),
        maxAge: Duration = .seconds(600),
        uptime: @escaping @Sendable () -> Duration = TelegramKeySet.systemUptime
    ) {
        self.fetcher = fetcher
        self.discoveryURL = discoveryURL
        self.issuer = issuer
        self.refetchCooldown = refetchCooldown
        self.maxAge = maxAge
        self.uptime = uptime
    }

    /// A monotonic clock reading.
    public static let systemUptime: @Sendable () -> Duration = {
        let start = ContinuousClock.Instant.now
        return { ContinuousClock.Instant.now - start }
    }()

    /// The key for `kid` bound to `algorithm`, refreshing the set when needed.
    func key(kid: String, algorithm: JWSAlgorithm) async throws(TelegramAuthError) -> VerificationKey {
        let isFresh = loadedAt.map { uptime() - $0 < maxAge } ?? false
        if isFresh, let key = lookup(kid, algorithm) { return key }
        let outcome = await refresh()
        // After a failed refresh the last good keys still serve the kids they cover.
        if let key = lookup(kid, algorithm) { return key }
        if keys.isEmpty || outcome == .failed {
            throw TelegramAuthError(.keysUnavailable, "Telegram's signing keys could not be fetched; try again shortly")
        }
        if keys[kid] != nil {
            throw invalid("algorithm", "the token's alg does not match the Telegram key it names")
        }
        throw invalid("unknown_kid", "no Telegram signing key has this token's kid")
    }

    private enum RefreshOutcome { case fetched, failed, skipped }

    private func lookup(_ kid: String, _ algorithm: JWSAlgorithm) -> VerificationKey? {
        keys[kid]?.first { $0.algorithm == algorithm }
    }

    /// Refreshes the set, joining a refresh already under way; within the cooldown after the last attempt it
    /// does nothing (and reports that attempt's failure, if it failed).
    private func refresh() async -> RefreshOutcome {
        if let inFlight { return await inFlight.value ? .fetched : .failed }
        let now = uptime()
        if let lastAttempt, now - lastAttempt < refetchCooldown { return lastRefreshFailed ? .failed : .skipped }
        lastAttempt = now
        refreshCount += 1
        let task = Task { await self.fetchAndStore() }
        inFlight = task
        let succeeded = await task.value
        inFlight = nil
        return succeeded ? .fetched : .failed
    }

    private var lastRefreshFailed = false

    private func fetchAndStore() async -> Bool {
        guard let fetched = await fetchKeys() else {
            lastRefreshFailed = true
            return false
        }
        keys = fetched
        loadedAt = uptime()
        lastRefreshFailed = false
        return true
    }

    private func fetchKeys() async -> [String: [VerificationKey]]? {
        guard let discovery = await fetchJSON(discoveryURL),
            discovery["issuer"]?.stringValue == issuer,
            let jwksURL = discovery["jwks_uri"]?.stringValue, Self.isAcceptableKeySetURL(jwksURL, discoveryURL: discoveryURL),
            let jwks = await fetchJSON(jwksURL),
            case .array(let entries) = jwks["keys"] ?? .null
        else { return nil }
        var parsed: [String: [VerificationKey]] = [:]
        for entry in entries {
            if let key = await VerificationKey.parse(entry) {
                parsed[key.kid, default: []].append(key)
            }
        }
        return parsed.isEmpty ? nil : parsed
    }

    private func fetchJSON(_ url: String) async -> JSONValue? {
        guard let response = try? await fetcher.get(url), response.status == 200,
            response.body.count <= 1 << 20,
            response.contentType.map(Self.isJSONContentType) ?? true
        else { return nil }
        return try? JSONValue.parse(response.body)
    }

    /// An `https` URL, or one on the origin of a plain-`http` discovery URL (a local stand-in for Telegram).
    static func isAcceptableKeySetURL(_ url: String, discoveryURL: String) -> Bool {
        if url.hasPrefix("https://") { return true }
        guard discoveryURL.hasPrefix("http://") else { return false }
        func origin(_ text: String) -> Substring {
            let rest = text.dropFirst("http://".count)
            return text.prefix("http://".count + (rest.firstIndex(of: "/").map { rest.distance(from: rest.startIndex, to: $0) } ?? rest.count))
        }
        return origin(url) == origin(discoveryURL) && url.dropFirst(origin(url).count).hasPrefix("/")
    }

    private static func isJSONContentType(_ value: String) -> Bool {
        let essence = value.split(separator: ";").first?.trimmingCharacters(in: " ").lowercased() ?? ""
        return essence == "application/json" || essence == "application/jwk-set+json"
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var result = self
        while result.first == character { result = result.dropFirst() }
        while result.last == character { result = result.dropLast() }
        return result
    }
}
