import Synchronization
import TelegramAuth

/// A wall clock tests move by hand, in Unix seconds; Telegate reads it through ``wallClock``.
public final class TestClock: Sendable {
    private let seconds: Mutex<Int64>

    /// A clock at `start`.
    public init(_ start: Int64 = 1_790_000_000) {
        seconds = Mutex(start)
    }

    /// The clock's time.
    public var now: Int64 { seconds.withLock { $0 } }
    /// Moves the clock by `delta` seconds.
    public func advance(_ delta: Int64) { seconds.withLock { $0 += delta } }
    /// This clock, for `TelegateApplication.prepare(clock:)`.
    public var wallClock: WallClock { WallClock { [self] in self.now } }
}
