import NIOCore

/// What one connection's client has sent and what Telegate has answered, and from that the moment the connection
/// must be closed if nothing changes: the header, body and idle timeouts and the minimum body rate.
///
/// No deadline runs while Telegate answers a request (a slow provider is not the client's fault), nor for a
/// pipelined request while an earlier one is answered (Telegate may not be reading it yet).
struct ConnectionProgress {
    let limits: ConnectionLimits
    /// Requests whose headers have arrived.
    private var heads = 0
    /// Requests that have arrived whole.
    private var ends = 0
    /// Responses sent whole (a response may be sent before its request's body has arrived).
    private var responses = 0
    /// When the first byte of the next request's headers arrived; the connection's opening for the first request.
    private var headStart: NIODeadline?
    /// When the connection began to wait for a next request.
    private var idleSince: NIODeadline
    /// When the current body began to count, and its bytes so far.
    private var bodyStart: NIODeadline
    private var bodyBytes = 0

    /// A connection opened at `now`: its first request's headers are due within the header timeout.
    init(limits: ConnectionLimits, openedAt now: NIODeadline) {
        self.limits = limits
        headStart = now
        idleSince = now
        bodyStart = now
    }

    /// Whether Telegate is waiting for the client rather than answering it.
    var isWaitingOnClient: Bool { responses >= ends }

    /// Bytes arrived from the client; outside a body they begin the next request's headers.
    mutating func bytesReceived(at now: NIODeadline) {
        if ends == heads, headStart == nil { headStart = now }
    }

    /// A request's headers are complete.
    mutating func headReceived(at now: NIODeadline) {
        heads += 1
        headStart = nil
        bodyStart = now
        bodyBytes = 0
    }

    /// `count` bytes of the current request's body arrived.
    mutating func bodyReceived(_ count: Int) {
        bodyBytes += count
    }

    /// The current request is complete.
    mutating func endReceived(at now: NIODeadline) {
        ends += 1
        if responses >= ends { idleSince = now }
    }

    /// A response has been sent whole.
    mutating func responseSent(at now: NIODeadline) {
        responses += 1
        guard responses == ends else { return }
        if ends == heads {
            idleSince = now
        } else {
            // A pipelined request's body is read from now on: its clock starts now.
            bodyStart = now
            bodyBytes = 0
        }
    }

    /// The moment to close the connection and why, if nothing else happens first; `nil` while Telegate answers.
    var deadline: (at: NIODeadline, reason: ConnectionCloseReason)? {
        guard isWaitingOnClient else { return nil }
        if ends < heads { return bodyDeadline }
        if let headStart { return (headStart + TimeAmount(limits.headerTimeout), .headerTimeout) }
        return (idleSince + TimeAmount(limits.idleTimeout), .idleTimeout)
    }

    private var bodyDeadline: (at: NIODeadline, reason: ConnectionCloseReason) {
        let timeout = bodyStart + TimeAmount(limits.bodyTimeout)
        guard limits.minimumBodyRate > 0 else { return (timeout, .bodyTimeout) }
        // The bytes so far keep the average at the minimum rate until this long after the body's start.
        let covered = TimeAmount.nanoseconds(Int64(min(Double(bodyBytes) / Double(limits.minimumBodyRate) * 1e9, 1e15)))
        let rate = bodyStart + max(TimeAmount(limits.bodyRateGracePeriod), covered)
        return rate < timeout ? (rate, .bodyRate) : (timeout, .bodyTimeout)
    }
}
