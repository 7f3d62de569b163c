/// Why Telegate closed a client connection: the `reason` label of `telegate_connections_closed_total`.
public enum ConnectionCloseReason: String, Sendable, CaseIterable {
    /// The request's headers were not complete within the header timeout.
    case headerTimeout = "header_timeout"
    /// The request's body was not complete within the body timeout.
    case bodyTimeout = "body_timeout"
    /// The request's body arrived slower than the minimum rate.
    case bodyRate = "body_rate"
    /// A kept-alive connection sent no new request within the idle timeout.
    case idleTimeout = "idle_timeout"
    /// Closed to make room for a new connection from the same address, having waited longest for its client.
    case evictedAddressLimit = "evicted_address_limit"
    /// Closed to make room for a new connection, having waited longest for its client.
    case evictedConnectionLimit = "evicted_connection_limit"
    /// A new connection from an address whose every connection was busy with a request.
    case refusedAddressLimit = "refused_address_limit"
    /// A new connection while every connection was busy with a request.
    case refusedConnectionLimit = "refused_connection_limit"
}
