/// How old a proof may be, and how far in the future its timestamp may lie.
public struct FreshnessPolicy: Sendable, Hashable {
    /// The maximum age in seconds. `0` disables freshness checking entirely (age and future skew): only for
    /// tooling that replays recorded proofs, never for a service.
    public var maxAge: Int64
    /// How far in the future a timestamp may be before it is refused (clock skew between Telegram and us).
    public var allowedFutureSkew: Int64

    /// Creates a policy.
    public init(maxAge: Int64, allowedFutureSkew: Int64 = 60) {
        self.maxAge = maxAge
        self.allowedFutureSkew = allowedFutureSkew
    }

    /// The default for Mini App `initData`: one hour. `initData` is created when the Mini App opens and is not
    /// refreshed while it stays open, so much shorter limits break long sessions that re-exchange.
    public static let initData = FreshnessPolicy(maxAge: 3600)
    /// The default for Login Widget data: five minutes; the widget hands over fresh data at each login.
    public static let widget = FreshnessPolicy(maxAge: 300)
    /// No freshness check at all (for replaying recorded vectors).
    public static let disabled = FreshnessPolicy(maxAge: 0)

    /// Whether any check is performed.
    public var isEnabled: Bool { maxAge > 0 }

    /// Checks `authDate` against `now`.
    public func check(authDate: Int64, now: Int64) throws(TelegramAuthError) {
        guard isEnabled else { return }
        if authDate > now + allowedFutureSkew {
            throw TelegramAuthError(
                .authDateInFuture,
                "auth_date is \(Self.describe(authDate - now)) in the future; more than \(allowedFutureSkew) s of clock skew"
            )
        }
        let age = now - authDate
        if age > maxAge {
            throw TelegramAuthError(
                .expired, "the proof expired: it is \(Self.describe(age)) old and the maximum age is \(Self.describe(maxAge))")
        }
    }

    /// A duration as `2h 5m 3s`.
    static func describe(_ seconds: Int64) -> String {
        var parts: [String] = []
        let days = seconds / 86_400
        let hours = seconds % 86_400 / 3600
        let minutes = seconds % 3600 / 60
        let secs = seconds % 60
        if days > 0 { parts.append("\(days)d") }
        if hours > 0 { parts.append("\(hours)h") }
        if minutes > 0 { parts.append("\(minutes)m") }
        if secs > 0 || parts.isEmpty { parts.append("\(secs)s") }
        return parts.joined(separator: " ")
    }
}
