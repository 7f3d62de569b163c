import Synchronization
import TelegramAuth

/// The database's notion of now, read on this process's clock: the local time plus the offset last measured
/// against the database's clock, rounded down.
///
/// Instances of one deployment may disagree about the time; the database is the clock they share. Every time
/// Telegate stores or signs comes from ``wallClock`` (a rotation's time, a token's `iat`), so windows computed
/// from stored times mean the same on every instance, and no token is issued ahead of the database's now: the
/// offset is measured as the database's time minus the local time read *after* the database answered, which
/// errs on the early side by the round trip. An engine that runs inside this process (SQLite) has no clock of its
/// own: its reading is `nil` and the offset stays 0.
public final class DatabaseClock: Sendable {
    /// Reads the database's clock: Unix seconds with a fraction, or `nil` when the database uses this process's
    /// clock. Engines provide ``TelegateStorage/databaseTime()``; tests inject their own.
    public typealias Reading = @Sendable () async throws -> Double?

    private let local: WallClock
    private let read: Reading
    private let offset = Mutex<Double>(0)

    /// A clock over `local`, corrected by readings of `read`; uncorrected until the first ``measure()``.
    public init(local: WallClock, read: @escaping Reading) {
        self.local = local
        self.read = read
    }

    /// The corrected clock.
    public var wallClock: WallClock {
        WallClock(precise: { [self] in local.preciseNow + skew })
    }

    /// How many seconds the database's clock is ahead of this process's (negative: behind), as last measured, in
    /// whole milliseconds.
    public var skew: Double { offset.withLock { $0 } }

    /// Reads the database's clock and updates the offset; returns the new skew, or `nil` when the database did
    /// not answer (the previous offset stays in force).
    @discardableResult
    public func measure() async -> Double? {
        do {
            guard let databaseTime = try await read() else {
                offset.withLock { $0 = 0 }
                return 0
            }
            // Whole milliseconds, rounded down, so the corrected clock stays at or behind the database's.
            let measured = ((databaseTime - local.preciseNow) * 1000).rounded(.down) / 1000
            offset.withLock { $0 = measured }
            return measured
        } catch {
            return nil
        }
    }
}
