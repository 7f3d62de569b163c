import TelegateApp
import TelegateServer
import Testing

/// `server.connections` in `telegate.yaml`: safe defaults, every key, refusal of values outside their range, and
/// the limits reaching the running server.
@Suite("Connection configuration")
struct ConnectionConfigurationTests {
    @Test("Without server.connections the defaults apply: headers in 10 s, 10,000 connections, 256 per address")
    func defaults() throws {
        let limits = try ConfigurationFile.parse("server: {port: 8080}").server.connections
        #expect(limits == ConnectionLimits())
        #expect(limits.headerTimeout == .seconds(10))
        #expect(limits.bodyTimeout == .seconds(30))
        #expect(limits.minimumBodyRate == 256)
        #expect(limits.bodyRateGracePeriod == .seconds(5))
        #expect(limits.idleTimeout == .seconds(60))
        #expect(limits.maxConnections == 10_000)
        #expect(limits.maxConnectionsPerAddress == 256)
    }

    @Test("Every key is read")
    func everyKey() throws {
        let limits = try ConfigurationFile.parse(
            """
            server:
              connections:
                headerTimeout: 5
                bodyTimeout: 20
                minBodyRate: 0
                bodyRateGracePeriod: 2
                idleTimeout: 15
                max: 2000
                maxPerAddress: 50
            """
        ).server.connections
        #expect(
            limits
                == ConnectionLimits(
                    headerTimeout: .seconds(5), bodyTimeout: .seconds(20), minimumBodyRate: 0,
                    bodyRateGracePeriod: .seconds(2), idleTimeout: .seconds(15), maxConnections: 2000,
                    maxConnectionsPerAddress: 50))
    }

    @Test(
        "A value outside its range, of the wrong type, or an unknown key is refused with a message naming it",
        arguments: [
            ("headerTimeout: 31", "server.connections.headerTimeout must be 1…30 seconds"),
            ("headerTimeout: 0", "server.connections.headerTimeout must be 1…30 seconds"),
            ("headerTimeout: 10s", "headerTimeout must be an integer"),
            ("headerTimeout: 1.5", "headerTimeout must be an integer"),
            ("bodyTimeout: 301", "server.connections.bodyTimeout must be 1…300 seconds"),
            ("minBodyRate: -1", "server.connections.minBodyRate must be 0…1048576 bytes per second"),
            ("bodyRateGracePeriod: 0", "server.connections.bodyRateGracePeriod must be 1…60 seconds"),
            ("idleTimeout: 0", "server.connections.idleTimeout must be 1…3600 seconds"),
            ("max: 0", "server.connections.max must be 1…1000000 connections"),
            ("maxPerAddress: 0", "server.connections.maxPerAddress must be 1…1000000 connections"),
            ("{max: 100, maxPerAddress: 101}", "must not exceed server.connections.max"),
            ("readTimeout: 5", "unknown key \"readTimeout\""),
        ])
    func refused(entry: String, message: String) {
        let text = entry.hasPrefix("{") ? "server: {connections: \(entry)}" : "server: {connections: {\(entry)}}"
        do {
            _ = try ConfigurationFile.parse(text)
            Issue.record("\(entry) was accepted")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test("The configured limits reach Telegate's server: a half-open connection is closed, and counted on /metrics")
    func served() async throws {
        try await TestService.run(live: true, configure: { $0.server.connections.headerTimeout = .seconds(1) }) { service in
            let port = try #require(service.baseURL.split(separator: ":").last.flatMap { Int($0) })
            let connection = try await RawConnection.open(port: port)
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: telegate\r\n")
            let closed = try #require(try await connection.waitForClose(within: .seconds(16)))
            #expect(closed >= .seconds(1))
            let metrics = try await service.request(.get, "/metrics").body
            #expect(metrics.contains("telegate_connections_closed_total{reason=\"header_timeout\"} 1"))
            #expect(metrics.contains("telegate_connections_open "))
        }
    }
}
