import Logging
import TelegateCore
import TelegramAuth

/// Deletes expired refresh tokens and families, browser sessions past their lifetime, and authorization codes expired
/// long ago, every `interval` (run by a ``PeriodicService``), so the tables hold only what can still be used.
///
/// An expired token or code is refused whether or not its row exists, so pruning late or twice (several instances on
/// one database) is harmless. A redeemed code is kept for ``codeRetention`` after it expires, so a replay within
/// that time still revokes what its first use issued.
struct ExpiredTokenPruner {
    let store: any RefreshTokenStore
    let codes: any AuthorizationCodeStore
    let sessions: any BrowserSessionStore
    let clock: WallClock
    let logger: Logger
    static let interval: Duration = .seconds(600)
    /// How long after it expires a code's row is kept, in seconds.
    static let codeRetention: Int64 = 86_400

    /// One pass; a failure is logged and retried at the next tick.
    func prune() async {
        do {
            let deleted = try await store.deleteExpired(before: clock.now)
            if deleted > 0 { logger.info("pruned expired refresh tokens", metadata: ["count": "\(deleted)"]) }
            let codesDeleted = try await codes.deleteExpired(before: clock.now - Self.codeRetention)
            if codesDeleted > 0 { logger.info("pruned expired authorization codes", metadata: ["count": "\(codesDeleted)"]) }
            let sessionsDeleted = try await sessions.deleteExpired(before: clock.now)
            if sessionsDeleted > 0 { logger.info("pruned expired browser sessions", metadata: ["count": "\(sessionsDeleted)"]) }
        } catch {
            logger.warning("pruning expired tokens, codes and sessions failed", metadata: ["error": "\(type(of: error))"])
        }
    }
}
