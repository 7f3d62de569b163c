import TelegramAuth

/// Budgets for failed admin authentications, so guessing tokens is slow without anyone being able to lock an
/// admin out.
///
/// Failures are counted twice: per client address, and per prefix of the presented token
/// (`AdminTokens.prefixKey(of:)`), so someone who knows how a token begins cannot spread the rest of
/// the guessing over many addresses. Each budget allows ten failures at once, then one every six seconds. Only
/// failures are counted and only failures are held back: a valid token is checked before any budget and never
/// consults one, so failures from the same address (a shared NAT, an attacker on the same network) cannot keep an
/// admin out. Both tables are bounded (see ``RateLimiter``).
final class AdminAuthThrottle: Sendable {
    /// Which budget held an attempt back.
    enum Budget: String, Sendable {
        case client
        case tokenPrefix = "token_prefix"
    }

    private let byClient: RateLimiter
    private let byPrefix: RateLimiter

    /// Budgets of `burst` failures at once, refilled at `rate` per second by `clock`, for at most `capacity` keys
    /// each.
    init(clock: WallClock, rate: Double = 1.0 / 6.0, burst: Double = 10, capacity: Int = 10_000) {
        let seconds: @Sendable () -> Double = { clock.preciseNow }
        byClient = RateLimiter(rate: rate, burst: burst, capacity: capacity, seconds: seconds)
        byPrefix = RateLimiter(rate: rate, burst: burst, capacity: capacity, seconds: seconds)
    }

    /// The budget that is spent for a failing attempt from `client` presenting a token with `prefix` (`nil` when
    /// no token was presented), and the seconds until it allows another; `nil` when the attempt may be answered.
    func exhausted(client: String, prefix: String?) -> (budget: Budget, retryAfter: Int)? {
        let clientWait = byClient.wait(client)
        let prefixWait = prefix.flatMap { byPrefix.wait($0) }
        switch (clientWait, prefixWait) {
        case (nil, nil): return nil
        case (let wait?, nil): return (.client, wait)
        case (nil, let wait?): return (.tokenPrefix, wait)
        case (let client?, let prefix?): return client >= prefix ? (.client, client) : (.tokenPrefix, prefix)
        }
    }

    /// Counts a failed attempt against both budgets.
    func recordFailure(client: String, prefix: String?) {
        _ = byClient.take(client)
        if let prefix { _ = byPrefix.take(prefix) }
    }

    /// The number of addresses and token prefixes remembered.
    var count: (clients: Int, prefixes: Int) { (byClient.count, byPrefix.count) }
}
