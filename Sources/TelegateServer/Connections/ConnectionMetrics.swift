import Synchronization

/// Prometheus metrics for client connections: how many are open, how many were accepted, and how many Telegate
/// closed, by ``ConnectionCloseReason``. Labels come from that fixed set only, never from addresses.
public final class ConnectionMetrics: Sendable {
    private struct Counts {
        var open = 0
        var accepted: UInt64 = 0
        var closed: [ConnectionCloseReason: UInt64] = [:]
    }

    private let counts = Mutex(Counts())

    /// Creates zeroed counters.
    public init() {}

    /// Counts a connection admitted and open.
    func opened() {
        counts.withLock { $0.accepted += 1; $0.open += 1 }
    }

    /// Counts an admitted connection gone.
    func released() {
        counts.withLock { $0.open -= 1 }
    }

    /// Counts a connection Telegate closed, or refused, for `reason`.
    func closed(_ reason: ConnectionCloseReason) {
        counts.withLock { $0.closed[reason, default: 0] += 1 }
    }

    /// Connections Telegate has closed for `reason` so far.
    public func closedCount(_ reason: ConnectionCloseReason) -> UInt64 {
        counts.withLock { $0.closed[reason, default: 0] }
    }

    /// Admitted connections open now.
    public var openCount: Int { counts.withLock { $0.open } }

    /// The Prometheus text exposition, every reason listed (zeros included).
    public func render() -> String {
        let snapshot = counts.withLock { $0 }
        var lines = [
            "# HELP telegate_connections_open Client connections open now.",
            "# TYPE telegate_connections_open gauge",
            "telegate_connections_open \(snapshot.open)",
            "# HELP telegate_connections_accepted_total Client connections admitted.",
            "# TYPE telegate_connections_accepted_total counter",
            "telegate_connections_accepted_total \(snapshot.accepted)",
            "# HELP telegate_connections_closed_total Client connections Telegate closed or refused, by reason.",
            "# TYPE telegate_connections_closed_total counter",
        ]
        for reason in ConnectionCloseReason.allCases {
            lines.append("telegate_connections_closed_total{reason=\"\(reason.rawValue)\"} \(snapshot.closed[reason, default: 0])")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
