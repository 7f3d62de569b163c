import Synchronization
import TelegramAuth

/// A wall clock tests move by hand.
final class TestClock: Sendable {
    private let seconds: Mutex<Int64>

    init(_ start: Int64 = 1_790_000_000) {
        seconds = Mutex(start)
    }

    var now: Int64 { seconds.withLock { $0 } }
    func advance(_ delta: Int64) { seconds.withLock { $0 += delta } }
    var wallClock: WallClock { WallClock { [self] in self.now } }
}
