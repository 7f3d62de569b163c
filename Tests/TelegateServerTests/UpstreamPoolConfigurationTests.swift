import TelegateApp
import Testing

/// `server.upstreamConnectionsPerHost`: the provider connection pool is sized for slow providers by default.
@Suite("Upstream pool configuration")
struct UpstreamPoolConfigurationTests {
    @Test("The default pool holds 256 connections per provider host; the file can change it within 1…4096")
    func poolSize() throws {
        #expect(try ConfigurationFile.parse("server: {port: 8080}").server.upstreamConnectionsPerHost == 256)
        #expect(try ConfigurationFile.parse("server: {upstreamConnectionsPerHost: 32}").server.upstreamConnectionsPerHost == 32)
        #expect(throws: (any Error).self) { try ConfigurationFile.parse("server: {upstreamConnectionsPerHost: 0}") }
    }
}
