import Logging
import TelegateCore
import TelegramAuth

/// Deletes expired refresh tokens and families, browser sessions past their lifetime, authorization codes expired
/// long ago, and settled events older than the event retention, every `interval` (run by a ``PeriodicService``), so
/// the tables hold only what can still be used.
///
/// An expired token or code is refused whether or not its row exists, so pruning late or twice (several instances on
/// one database) is harmless. A redeemed code is kept for ``codeRetention`` after it expires, so a replay within
/// that time still revokes what its first use issued. Events go in batches of ``eventBatch``, each its own
/// transaction, so pruning a large backlog never holds the outbox for long; an event with a pending delivery stays.
struct ExpiredTokenPruner {
    let store: any RefreshTokenStore
    let codes: any AuthorizationCodeStore
    let sessions: any BrowserSessionStore
    let events: any EventStore
    /// How long a settled event is kept, in seconds (`server.events.retention`).
    let eventRetention: Int64
    let clock: WallClock
    let logger: Logger
    static let interval: Duration = .seconds(600)
    /// How long after it expires a code's row is kept, in seconds.
    static let codeRetention: Int64 = 86_400
    /// How many events one pruning transaction deletes at most.
    static let eventBatch = 500

    /// One pass; a failure is logged and retried at the next tick.
    func prune() async {
        do {
            let deleted = try await store.deleteExpired(before: clock.now)
            if deleted > 0 { logger.info("pruned expired refresh tokens", metadata: ["count": "\(deleted)"]) }
            let codesDeleted = try await codes.deleteExpired(before: clock.now - Self.codeRetention)
            if codesDeleted > 0 { logger.info("pruned expired authorization codes", metadata: ["count": "\(codesDeleted)"]) }
            let sessionsDeleted = try await sessions.deleteExpired(before: clock.now)
            if sessionsDeleted > 0 { logger.info("pruned expired browser sessions", metadata: ["count": "\(sessionsDeleted)"]) }
            let eventsDeleted = try await pruneEvents()
            if eventsDeleted > 0 { logger.info("pruned settled events", metadata: ["count": "\(eventsDeleted)"]) }
        } catch {
            logger.warning("pruning expired tokens, codes, sessions and events failed", metadata: ["error": "\(type(of: error))"])
        }
    }

    /// Deletes the settled events older than the retention, batch after batch until one comes back short.
    private func pruneEvents() async throws -> Int {
        let before = clock.now - eventRetention
        var total = 0
        while true {
            try Task.checkCancellation()
            let deleted = try await events.pruneSettled(before: before, limit: Self.eventBatch)
            total += deleted
            if deleted < Self.eventBatch { return total }
        }
    }
}
