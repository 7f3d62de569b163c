import Logging
import ServiceLifecycle
import TelegateCore
import TelegramAuth

/// Deletes expired refresh tokens and families now and then, so the tables hold only what can still be used.
///
/// An expired token is refused whether or not its row exists, so pruning late or twice (several instances on one
/// database) is harmless. Stops at graceful shutdown.
struct ExpiredTokenPruner: Service {
    let store: any RefreshTokenStore
    let clock: WallClock
    let logger: Logger
    var interval: Duration = .seconds(600)

    func run() async {
        await cancelWhenGracefulShutdown {
            // The sleep ends early, with an error, when shutdown cancels this task.
            while (try? await Task.sleep(for: interval)) != nil {
                await prune()
            }
        }
    }

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
