/// How long a client may take and how many connections may be open: the limits that keep slow or numerous clients
/// from holding the server's connections and file descriptors.
///
/// The timeouts measure the client, never Telegate: no clock runs while a request is being answered.
public struct ConnectionLimits: Sendable, Equatable {
    /// A request's headers must be complete within this time of its first byte (of the connection's opening, for
    /// the first request). Counted from the start, so trickling bytes does not extend it.
    public var headerTimeout: Duration
    /// A request's body must be complete within this time of its headers.
    public var bodyTimeout: Duration
    /// The average rate, in bytes per second since the headers, below which a body is too slow once
    /// ``bodyRateGracePeriod`` has passed; `0` turns the check off.
    public var minimumBodyRate: Int
    /// How long a body may arrive slower than ``minimumBodyRate`` before the rate is checked.
    public var bodyRateGracePeriod: Duration
    /// A kept-alive connection with no request in progress is closed after this time.
    public var idleTimeout: Duration
    /// Client connections open at once. A new connection over the limit closes the connection that has waited
    /// longest for its client, or is itself closed at once when every connection is busy with a request.
    public var maxConnections: Int
    /// Client connections open at once from one IPv4 address or one IPv6 /64, with the same rule.
    public var maxConnectionsPerAddress: Int

    /// Headers in 10 s, bodies in 30 s at 256 bytes/s or faster after 5 s, 60 s of keep-alive, 10,000 connections
    /// and 256 per address.
    public init(
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30), minimumBodyRate: Int = 256,
        bodyRateGracePeriod: Duration = .seconds(5), idleTimeout: Duration = .seconds(60), maxConnections: Int = 10_000,
        maxConnectionsPerAddress: Int = 256
    ) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.minimumBodyRate = minimumBodyRate
        self.bodyRateGracePeriod = bodyRateGracePeriod
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
    }
}
