import Logging
import TelegateCore

/// Measures this process's clock against the database's at start and every minute, so the time Telegate stores
/// and signs follows the database (``DatabaseClock``), and says so in the log when the two disagree by more than
/// the clock leeway (run every `interval` by a ``PeriodicService``). `/readyz` and `telegate_clock_skew_seconds`
/// report the same measurement.
struct ClockSkewMonitor {
    let clock: DatabaseClock
    let time: TimePolicy
    let logger: Logger
    static let interval: Duration = .seconds(60)

    /// One measurement; a skew beyond the leeway is logged, a database that did not answer keeps the last offset.
    func check() async {
        guard let skew = await clock.measure() else {
            logger.debug("the database clock could not be read; keeping the last offset")
            return
        }
        if !time.tolerates(skew: skew) {
            logger.warning(
                "this instance's clock differs from the database's by more than the clock leeway; times follow the database's",
                metadata: ["skew_seconds": "\(skew)", "leeway_seconds": "\(time.leeway)"])
        }
    }
}
