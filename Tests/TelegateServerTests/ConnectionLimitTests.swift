import TelegateServer
import Testing

/// Connection limits over real sockets: who is refused, who makes room, and that a flood from one address neither
/// locks out other addresses nor a prompt health check from the same one.
@Suite("Connection limits")
struct ConnectionLimitTests {
    static let margin = Duration.seconds(15)
    static let relaxed = ConnectionTimeoutTests.relaxed

    /// Sends a request that `/hold` keeps busy until released.
    func holding(_ server: GuardedTestServer, from source: String) async throws -> RawConnection {
        let connection = try await server.connect(from: source)
        try await connection.send("GET /hold HTTP/1.1\r\nHost: telegate\r\n\r\n")
        return connection
    }

    /// Waits until `count` requests are held.
    func waitForHolds(_ server: GuardedTestServer, _ count: Int) async throws {
        await server.waitForHolds(count)
        #expect(server.holds.count == count)
    }

    /// Opens a connection that sends half a request and stops.
    func halfOpen(_ server: GuardedTestServer, from source: String = "127.0.0.1") async throws -> RawConnection {
        let connection = try await server.connect(from: source)
        try? await connection.send("GET /healthz HTTP/1.1\r\nHost: telegate\r\nX-Half: ")
        return connection
    }

    /// Waits until the server has admitted `count` connections in all: a connect returns before the server has
    /// taken the connection in, and two connections may be taken in by different threads in either order.
    func waitForAdmitted(_ server: GuardedTestServer, _ count: Int) async throws {
        let start = ContinuousClock.now
        while server.connectionGuard.metrics.openCount < count, ContinuousClock.now - start < Self.margin {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(server.connectionGuard.metrics.openCount == count)
    }

    @Test("N3: over the per-address limit with every connection busy, a new one is closed at once; others are served")
    func addressRefusal() async throws {
        var limits = Self.relaxed
        limits.maxConnectionsPerAddress = 2
        try await GuardedTestServer.run(limits: limits) { server in
            let busy = [try await holding(server, from: "127.0.0.1"), try await holding(server, from: "127.0.0.1")]
            try await waitForHolds(server, 2)
            let refused = try await server.connect(from: "127.0.0.1")
            #expect(try await refused.waitForClose(within: Self.margin) != nil)
            #expect(refused.received.isEmpty)
            #expect(server.connectionGuard.metrics.closedCount(.refusedAddressLimit) == 1)
            #expect(try await server.healthz(from: "127.0.0.2") == 200)
            server.holds.release()
            for connection in busy { #expect(try await connection.waitForReply()?.status == 200) }
        }
    }

    @Test("Over the overall limit with every connection busy, a new one is closed at once")
    func overallRefusal() async throws {
        var limits = Self.relaxed
        limits.maxConnections = 2
        try await GuardedTestServer.run(limits: limits) { server in
            let busy = [try await holding(server, from: "127.0.0.1"), try await holding(server, from: "127.0.0.2")]
            try await waitForHolds(server, 2)
            let refused = try await server.connect(from: "127.0.0.3")
            #expect(try await refused.waitForClose(within: Self.margin) != nil)
            #expect(server.connectionGuard.metrics.closedCount(.refusedConnectionLimit) == 1)
            server.holds.release()
            for connection in busy { #expect(try await connection.waitForReply()?.status == 200) }
        }
    }

    @Test("N3: a flood of half-open connections from one address displaces its own; /healthz from it answers throughout")
    func floodFromOneAddress() async throws {
        var limits = Self.relaxed
        limits.maxConnectionsPerAddress = 8
        try await GuardedTestServer.run(limits: limits) { server in
            let bystander = try await halfOpen(server, from: "127.0.0.2")
            var flood: [RawConnection] = []
            for index in 0..<200 {
                flood.append(try await halfOpen(server))
                if index % 10 == 0 { #expect(try await server.healthz() == 200) }
            }
            #expect(try await server.healthz() == 200)
            // Everything but the newest few is closed; the other address's connection is untouched.
            let start = ContinuousClock.now
            while flood.filter({ $0.closedAt == nil }).count > 8, ContinuousClock.now - start < Self.margin {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(flood.filter { $0.closedAt == nil }.count <= 8)
            #expect(bystander.closedAt == nil)
            #expect(server.connectionGuard.metrics.closedCount(.evictedAddressLimit) >= 192)
            #expect(server.connectionGuard.metrics.closedCount(.refusedAddressLimit) == 0)
        }
    }

    @Test("Over the overall limit, the connection that has waited longest, from any address, makes room")
    func overallEviction() async throws {
        var limits = Self.relaxed
        limits.maxConnections = 4
        try await GuardedTestServer.run(limits: limits) { server in
            let oldest = try await halfOpen(server, from: "127.0.0.1")
            try await waitForAdmitted(server, 1)
            var others: [RawConnection] = []
            for source in ["127.0.0.2", "127.0.0.3", "127.0.0.4"] { others.append(try await halfOpen(server, from: source)) }
            try await waitForAdmitted(server, 4)
            #expect(try await server.healthz(from: "127.0.0.5") == 200)
            #expect(try await oldest.waitForClose(within: Self.margin) != nil)
            #expect(server.connectionGuard.metrics.closedCount(.evictedConnectionLimit) == 1)
            #expect(others.allSatisfy { $0.closedAt == nil })
        }
    }

    @Test("A trusted proxy's connections count only against the overall limit")
    func trustedProxy() async throws {
        var limits = Self.relaxed
        limits.maxConnectionsPerAddress = 1
        try await GuardedTestServer.run(limits: limits, exempt: ["127.0.0.1"]) { server in
            var connections: [RawConnection] = []
            for _ in 0..<3 { connections.append(try await halfOpen(server)) }
            #expect(try await server.healthz() == 200)
            #expect(server.connectionGuard.metrics.closedCount(.evictedAddressLimit) == 0)
            #expect(connections.allSatisfy { $0.closedAt == nil })
        }
    }
}
