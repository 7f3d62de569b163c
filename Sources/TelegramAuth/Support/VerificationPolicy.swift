/// What every verifier applies around the signature, and what a diagnosis judges by: size limits before parsing,
/// then, once the signature verifies, freshness measured against a clock.
struct VerificationPolicy: Sendable {
    /// The freshness policy applied after the signature verifies.
    var freshness: FreshnessPolicy
    /// Size limits applied before parsing.
    var limits: ProofLimits
    /// The clock freshness is measured against.
    var clock: WallClock

    /// Checks `authDate` against the clock's current time.
    func checkFreshness(authDate: Int64) throws(TelegramAuthError) {
        try freshness.check(authDate: authDate, now: clock.now)
    }
}
