import Synchronization

/// The open client connections, counted overall and per client network, with the connections that are waiting for
/// their client (for headers, a body or a next request) in the order they began to wait.
///
/// A new connection over a limit takes the place of the connection under that limit that has waited longest, which
/// the caller closes: slow or silent connections cannot keep a prompt client out, and a flood from one address
/// only ever displaces its own connections. When every connection under the limit is busy with a request, the new
/// connection is refused instead.
final class ConnectionTable<Connection: Sendable>: Sendable {
    /// What became of a new connection.
    enum Admission: Sendable {
        /// Counted under `id`; `evicted` is a connection the caller must close to make room.
        case admitted(id: UInt64, evicted: (connection: Connection, reason: ConnectionCloseReason)?)
        /// Not counted: the caller closes it at once.
        case refused(ConnectionCloseReason)
    }

    private struct Entry {
        /// The network whose limit it counts against; `nil` for an address exempt from the per-address limit.
        var network: ClientNetwork?
        var connection: Connection
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var perNetwork: [ClientNetwork: Int] = [:]
        var waiting = WaitingLine()
        var waitingPerNetwork: [ClientNetwork: WaitingLine] = [:]
        var nextID: UInt64 = 0

        mutating func remove(_ id: UInt64) -> Connection? {
            guard let entry = entries.removeValue(forKey: id) else { return nil }
            waiting.remove(id)
            if let network = entry.network {
                let remaining = perNetwork[network, default: 1] - 1
                if remaining == 0 {
                    perNetwork[network] = nil
                    waitingPerNetwork[network] = nil
                } else {
                    perNetwork[network] = remaining
                    waitingPerNetwork[network]?.remove(id)
                }
            }
            return entry.connection
        }
    }

    private let maxConnections: Int
    private let maxConnectionsPerAddress: Int
    private let state = Mutex(State())

    init(maxConnections: Int, maxConnectionsPerAddress: Int) {
        self.maxConnections = max(maxConnections, 1)
        self.maxConnectionsPerAddress = max(maxConnectionsPerAddress, 1)
    }

    /// Connections counted now.
    var count: Int { state.withLock { $0.entries.count } }

    /// Counts a new connection from `network` (not against its per-address limit when `exempt`), as waiting for its
    /// client's first request.
    func admit(_ connection: Connection, from network: ClientNetwork, exempt: Bool = false) -> Admission {
        state.withLock { state in
            var evicted: (connection: Connection, reason: ConnectionCloseReason)?
            if !exempt, state.perNetwork[network, default: 0] >= maxConnectionsPerAddress {
                guard let oldest = state.waitingPerNetwork[network]?.oldest, let victim = state.remove(oldest) else {
                    return .refused(.refusedAddressLimit)
                }
                evicted = (victim, .evictedAddressLimit)
            } else if state.entries.count >= maxConnections {
                guard let oldest = state.waiting.oldest, let victim = state.remove(oldest) else {
                    return .refused(.refusedConnectionLimit)
                }
                evicted = (victim, .evictedConnectionLimit)
            }
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = Entry(network: exempt ? nil : network, connection: connection)
            state.waiting.append(id)
            if !exempt {
                state.perNetwork[network, default: 0] += 1
                state.waitingPerNetwork[network, default: WaitingLine()].append(id)
            }
            return .admitted(id: id, evicted: evicted)
        }
    }

    /// Records whether connection `id` waits for its client (and may make room for a new one) or is busy with a
    /// request; a connection that begins to wait goes to the end of the line.
    func setWaiting(_ id: UInt64, _ isWaiting: Bool) {
        state.withLock { state in
            guard let entry = state.entries[id] else { return }
            if isWaiting {
                state.waiting.append(id)
                if let network = entry.network { state.waitingPerNetwork[network, default: WaitingLine()].append(id) }
            } else {
                state.waiting.remove(id)
                if let network = entry.network { state.waitingPerNetwork[network]?.remove(id) }
            }
        }
    }

    /// Stops counting connection `id` (closing); `false`, and nothing changes, for an id no longer counted (one
    /// already evicted).
    @discardableResult
    func release(_ id: UInt64) -> Bool {
        state.withLock { state in state.remove(id) != nil }
    }
}
