import TelegateServer
import Testing

/// Slow clients over real sockets: each connection is closed by the timeout it misses, within the configured time
/// and a generous margin, waiting for the close itself. Timeouts are 1 s; the margin absorbs a busy machine: in the
/// full suite the event loops are shared with hundreds of in-process tests, and a 300-connection flood was seen
/// closed after 20 s. The close itself, its reason and the lower bound are what the tests prove; the margin only
/// bounds how long a failing test waits.
@Suite("Connection timeouts")
struct ConnectionTimeoutTests {
    static let timeout = Duration.seconds(1)
    static let margin = Duration.seconds(60)
    /// Everything long except what a test shortens.
    static let relaxed = ConnectionLimits(
        headerTimeout: .seconds(3600), bodyTimeout: .seconds(3600), minimumBodyRate: 0, bodyRateGracePeriod: .seconds(60),
        idleTimeout: .seconds(3600), maxConnections: 10_000, maxConnectionsPerAddress: 1000)

    @Test("N3: a connection that sends half its headers is closed after the header timeout")
    func halfHeaders() async throws {
        var limits = Self.relaxed
        limits.headerTimeout = Self.timeout
        try await GuardedTestServer.run(limits: limits) { server in
            let connection = try await server.connect()
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: telegate\r\nX-Slow: ")
            let closed = try #require(try await connection.waitForClose(within: Self.timeout + Self.margin))
            #expect(closed >= Self.timeout)
            #expect(connection.received.isEmpty)
            #expect(server.connectionGuard.metrics.closedCount(.headerTimeout) == 1)
        }
    }

    @Test("A connection that sends nothing at all is closed after the header timeout")
    func silent() async throws {
        var limits = Self.relaxed
        limits.headerTimeout = Self.timeout
        try await GuardedTestServer.run(limits: limits) { server in
            let connection = try await server.connect()
            let closed = try #require(try await connection.waitForClose(within: Self.timeout + Self.margin))
            #expect(closed >= Self.timeout)
            #expect(server.connectionGuard.metrics.closedCount(.headerTimeout) == 1)
        }
    }

    @Test("On a kept-alive connection, half of a next request is closed after the header timeout, not the idle one")
    func keepAliveHalfHeaders() async throws {
        var limits = Self.relaxed
        limits.headerTimeout = Self.timeout
        try await GuardedTestServer.run(limits: limits) { server in
            // The first request is on its way before the server accepts the connection: its header clock, started
            // at the accept, cannot run out while this test waits for a turn on a busy machine.
            let connection = try await server.connect(sending: "GET /healthz HTTP/1.1\r\nHost: telegate\r\n\r\n")
            #expect(try await connection.waitForReply()?.status == 200)
            let sent = ContinuousClock.now
            try await connection.send("GET /healthz HTTP/1.1\r\nHo")
            let closed = try #require(try await connection.waitForClose(since: sent, within: Self.timeout + Self.margin))
            #expect(closed >= Self.timeout)
            #expect(server.connectionGuard.metrics.closedCount(.headerTimeout) == 1)
            #expect(server.connectionGuard.metrics.closedCount(.idleTimeout) == 0)
        }
    }

    @Test("A kept-alive connection with no next request is closed after the idle timeout")
    func idle() async throws {
        var limits = Self.relaxed
        limits.idleTimeout = Self.timeout
        try await GuardedTestServer.run(limits: limits) { server in
            let connection = try await server.connect()
            // The idle clock starts when the answer leaves the server: after this.
            let asked = ContinuousClock.now
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: telegate\r\n\r\n")
            #expect(try await connection.waitForReply()?.status == 200)
            let closed = try #require(try await connection.waitForClose(since: asked, within: Self.timeout + Self.margin))
            #expect(closed >= Self.timeout)
            #expect(server.connectionGuard.metrics.closedCount(.idleTimeout) == 1)
        }
    }

    @Test("N3: a body trickling below the minimum rate is closed once the grace period is over")
    func slowBody() async throws {
        var limits = Self.relaxed
        limits.minimumBodyRate = 1000
        limits.bodyRateGracePeriod = Self.timeout
        try await GuardedTestServer.run(limits: limits) { server in
            let connection = try await server.connect()
            let sent = ContinuousClock.now
            try await connection.send("POST /echo HTTP/1.1\r\nHost: telegate\r\nContent-Length: 100000\r\n\r\n")
            // One byte between looks, 100 bytes a second at most, a tenth of the minimum, until the server gives up.
            let closed = try await connection.waitForClose(since: sent, within: Self.timeout + Self.margin) {
                try? await connection.send("x")
            }
            #expect(try #require(closed) >= Self.timeout)
            #expect(server.connectionGuard.metrics.closedCount(.bodyRate) == 1)
            #expect(!connection.received.contains("200"))
        }
    }

    @Test("A body above the minimum rate is read whole")
    func steadyBody() async throws {
        var limits = Self.relaxed
        limits.minimumBodyRate = 10
        limits.bodyRateGracePeriod = Self.timeout
        try await GuardedTestServer.run(limits: limits) { server in
            let connection = try await server.connect()
            let chunk = String(repeating: "x", count: 500)
            // The first chunk travels with the headers, so a busy test process cannot leave the body empty past the
            // grace period; after it the rate stays above the minimum unless a send is delayed by 50 s.
            try await connection.send("POST /echo HTTP/1.1\r\nHost: telegate\r\nContent-Length: 10000\r\n\r\n" + chunk)
            for _ in 1..<20 { try await connection.send(chunk) }
            let reply = try #require(try await connection.waitForReply())
            #expect(reply.status == 200)
            #expect(reply.body == "10000")
            #expect(server.connectionGuard.metrics.closedCount(.bodyRate) == 0)
        }
    }

    @Test("N3: a body that never ends is closed after the body timeout")
    func endlessBody() async throws {
        var limits = Self.relaxed
        limits.bodyTimeout = Self.timeout
        try await GuardedTestServer.run(limits: limits) { server in
            let connection = try await server.connect()
            let sent = ContinuousClock.now
            try await connection.send("POST /echo HTTP/1.1\r\nHost: telegate\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            let closed = try #require(try await connection.waitForClose(since: sent, within: Self.timeout + Self.margin))
            #expect(closed >= Self.timeout)
            #expect(server.connectionGuard.metrics.closedCount(.bodyTimeout) == 1)
        }
    }

    @Test("No timeout runs while a request is being answered")
    func answering() async throws {
        // Once a request's headers are in, the timeout that would close its connection is the idle one, counted
        // from the connection's opening; the header timeout is left long so nothing else races the busy request.
        var limits = Self.relaxed
        limits.idleTimeout = Self.timeout
        try await GuardedTestServer.run(limits: limits) { server in
            let busy = try await server.connect()
            try await busy.send("GET /hold HTTP/1.1\r\nHost: telegate\r\n\r\n")
            await server.waitForHolds(1)
            #expect(server.holds.count == 1)
            // A connection opened after the busy one is answered, then closed by the idle timeout...
            let idle = try await server.connect()
            try await idle.send("GET /healthz HTTP/1.1\r\nHost: telegate\r\n\r\n")
            #expect(try await idle.waitForReply()?.status == 200)
            #expect(try await idle.waitForClose(within: Self.timeout + Self.margin) != nil)
            // ...while the busy one, whose idle clock started earlier, is still open and gets its answer.
            #expect(busy.closedAt == nil)
            #expect(server.connectionGuard.metrics.closedCount(.idleTimeout) == 1)
            server.holds.release()
            #expect(try await busy.waitForReply()?.status == 200)
        }
    }

    @Test("N3: 300 half-open connections are all closed within the header timeout while /healthz answers throughout")
    func halfOpenFlood() async throws {
        var limits = Self.relaxed
        limits.headerTimeout = Self.timeout
        try await GuardedTestServer.run(limits: limits) { server in
            var connections: [RawConnection] = []
            for _ in 0..<300 {
                let connection = try await server.connect()
                try await connection.send("GET /healthz HTTP/1.1\r\nHost: telegate\r\nX-Half: ")
                connections.append(connection)
            }
            var checks = 0
            let start = ContinuousClock.now
            while connections.contains(where: { $0.closedAt == nil }), ContinuousClock.now - start < Self.timeout + Self.margin {
                #expect(try await server.healthz() == 200)
                checks += 1
            }
            #expect(checks > 0)
            for connection in connections {
                let closed = try #require(connection.closedAt.map { $0 - connection.openedAt })
                #expect(closed >= Self.timeout)
                #expect(closed <= Self.timeout + Self.margin)
            }
            #expect(server.connectionGuard.metrics.closedCount(.headerTimeout) == 300)
        }
    }
}
