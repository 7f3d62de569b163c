#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The current Unix time in whole seconds, injectable so tests and tooling can pin it.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Int64

    /// A clock that reads `read`.
    public init(_ read: @escaping @Sendable () -> Int64) {
        self.read = read
    }

    /// The current Unix time in seconds.
    public var now: Int64 { read() }

    /// The system's wall clock.
    public static let system = WallClock { Int64(Date().timeIntervalSince1970.rounded(.down)) }

    /// A clock stopped at `seconds`.
    public static func fixed(_ seconds: Int64) -> WallClock { WallClock { seconds } }
}
