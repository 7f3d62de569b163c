import TelegramAuth

/// How far clocks may disagree before Telegate refuses or flags something: one setting, `server.clockLeeway`,
/// for every time check, so no check is looser or stricter than the others by accident.
///
/// The leeway is:
/// - how far in the future a proof's `auth_date` may lie (Mini App `initData`, Login Widget data);
/// - the leeway on a Telegram Login `id_token`'s `exp`, `iat` and `nbf`;
/// - the refresh-token grace window: how long after its rotation a refresh token may be presented once more;
/// - the largest difference between this process's clock and the database's that `/readyz`, the log and
///   `telegate_clock_skew_seconds` treat as normal.
public struct TimePolicy: Sendable, Equatable {
    /// The leeway, in seconds.
    public let leeway: Int64

    /// The values `server.clockLeeway` accepts: short enough that a replayed proof or token gains little, long
    /// enough for clocks kept by NTP and for two tabs refreshing a token at once.
    public static let allowedLeeway: ClosedRange<Int64> = 5...300

    /// The default: 30 seconds.
    public static let standard = TimePolicy(leeway: 30)

    /// A policy with `leeway` seconds, clamped to ``allowedLeeway``.
    public init(leeway: Int64) {
        self.leeway = min(max(leeway, Self.allowedLeeway.lowerBound), Self.allowedLeeway.upperBound)
    }

    /// The freshness rule for a proof that may be at most `maxAge` seconds old.
    public func freshness(maxAge: Int64) -> FreshnessPolicy {
        FreshnessPolicy(maxAge: maxAge, allowedFutureSkew: leeway)
    }

    /// Whether `skew` seconds between this process's clock and the database's is within the leeway.
    public func tolerates(skew: Double) -> Bool {
        abs(skew) <= Double(leeway)
    }
}
