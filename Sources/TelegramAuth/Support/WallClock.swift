#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The current Unix time, injectable so tests and tooling can pin it.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Double

    /// A clock that reads `read`, in whole seconds.
    public init(_ read: @escaping @Sendable () -> Int64) {
        self.read = { Double(read()) }
    }

    /// A clock that reads `read`, in seconds with a fraction.
    public init(precise read: @escaping @Sendable () -> Double) {
        self.read = read
    }

    /// The current Unix time in whole seconds, rounded down.
    public var now: Int64 { Int64(read().rounded(.down)) }

    /// The current Unix time in seconds, with the fraction the clock has.
    public var preciseNow: Double { read() }

    /// The system's wall clock.
    public static let system = WallClock(precise: { Date().timeIntervalSince1970 })

    /// A clock stopped at `seconds`.
    public static func fixed(_ seconds: Int64) -> WallClock { WallClock { seconds } }
}
