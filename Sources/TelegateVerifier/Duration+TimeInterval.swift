import Foundation

extension Duration {
    /// The duration in seconds, its fraction included (`.milliseconds(500)` is `0.5`, not `0`).
    package var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
