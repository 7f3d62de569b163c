import Logging
import TelegateCore
import TelegramAuth

/// Deletes expired refresh tokens and families every `interval` (run by a ``PeriodicService``), so the tables hold
/// only what can still be used.
///
/// An expired token is refused whether or not its row exists, so pruning late or twice (several instances on one
/// database) is harmless.
struct ExpiredTokenPruner {
    let store: any RefreshTokenStore
    let clock: WallClock
    let logger: Logger
    static let interval: Duration = .seconds(600)

    /// One pass; a failure is logged and retried at the next tick.
    func prune() async {
        do {
            let deleted = try await store.deleteExpired(before: clock.now)
            if deleted > 0 { logger.info("pruned expired refresh tokens", metadata: ["count": "\(deleted)"]) }
        } catch {
            logger.warning("pruning expired refresh tokens failed", metadata: ["error": "\(type(of: error))"])
        }
    }
}
