import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// Applies ``ConnectionLimits`` to every client connection of an HTTP server: admits or refuses it when it is
/// accepted (a refusal is one `close` before the connection is even registered with the event loop, so a flood
/// costs little), and gives each admitted one a ``ConnectionWatchdog``.
public final class ConnectionGuard: Sendable {
    /// The limits applied.
    public let limits: ConnectionLimits
    /// Open, accepted and closed connections.
    public let metrics: ConnectionMetrics
    let table: ConnectionTable<any Channel>
    private let exemptAddresses: Set<String>
    private let logger: Logger
    private let lastLimitWarning = Mutex<ContinuousClock.Instant?>(nil)

    /// Limits connections with `limits`. Connections from `exemptAddresses` (reverse proxies, which carry many
    /// clients' connections) do not count against the per-address limit, only against the overall one.
    public init(limits: ConnectionLimits, exemptAddresses: some Sequence<String> = [], logger: Logger) {
        self.limits = limits
        self.metrics = ConnectionMetrics()
        self.table = ConnectionTable(
            maxConnections: limits.maxConnections, maxConnectionsPerAddress: limits.maxConnectionsPerAddress)
        self.exemptAddresses = Set(exemptAddresses)
        self.logger = logger
    }

    /// Hummingbird's HTTP/1.1 server with these limits on every connection; `configuration`'s own idle timeout is
    /// replaced by ``ConnectionLimits/idleTimeout``.
    public func http1(configuration: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, configuration: configuration, connectionGuard: self)
        }
    }

    /// Counts a newly accepted `channel` and returns its watchdog, closing a connection that waited longest when
    /// one must make room; or closes `channel` and returns `nil` when it is refused. Runs on `channel`'s event loop.
    func admit(_ channel: any Channel) -> ConnectionWatchdog? {
        let peer = channel.remoteAddress
        let exempt = peer?.ipAddress.map(exemptAddresses.contains) ?? false
        switch table.admit(channel, from: ClientNetwork(peer), exempt: exempt) {
        case .refused(let reason):
            closing(channel, reason: reason)
            channel.close(promise: nil)
            return nil
        case .admitted(let id, let evicted):
            if let evicted {
                closing(evicted.connection, reason: evicted.reason)
                evicted.connection.close(promise: nil)
            }
            metrics.opened()
            channel.closeFuture.whenComplete { _ in
                self.table.release(id)
                self.metrics.released()
            }
            return ConnectionWatchdog(id: id, limits: limits, owner: self)
        }
    }

    /// Records that Telegate closes `channel` for `reason`; a limit reached is also logged, at most once a minute.
    func closing(_ channel: any Channel, reason: ConnectionCloseReason) {
        metrics.closed(reason)
        switch reason {
        case .headerTimeout, .bodyTimeout, .bodyRate, .idleTimeout:
            logger.debug("closing a client connection", metadata: ["reason": "\(reason.rawValue)"])
        case .evictedAddressLimit, .evictedConnectionLimit, .refusedAddressLimit, .refusedConnectionLimit:
            let now = ContinuousClock.now
            let due = lastLimitWarning.withLock { last in
                guard last.map({ now - $0 >= .seconds(60) }) ?? true else { return false }
                last = now
                return true
            }
            guard due else { return }
            logger.warning(
                "client connection limit reached; closing the connections that waited longest, refusing when all are busy",
                metadata: [
                    "reason": "\(reason.rawValue)", "open": "\(table.count)",
                    "max_connections": "\(limits.maxConnections)",
                    "max_connections_per_address": "\(limits.maxConnectionsPerAddress)",
                ])
        }
    }
}
