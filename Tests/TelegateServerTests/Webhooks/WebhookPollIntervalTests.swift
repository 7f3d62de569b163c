import TelegateApp
import Testing

/// `server.webhooks.pollInterval` in `telegate.yaml`.
@Suite("Configuration file: server.webhooks")
struct WebhookPollIntervalTests {
    @Test("pollInterval defaults to one second and takes 1 to 60 seconds")
    func pollInterval() throws {
        #expect(try ConfigurationFile.parse("server:\n  port: 8080\n").server.webhooks.pollInterval == .seconds(1))
        #expect(try ConfigurationFile.parse("server:\n  webhooks:\n    pollInterval: 5\n").server.webhooks.pollInterval == .seconds(5))
        for refused in ["0", "61"] {
            #expect(throws: ConfigurationError.self) {
                try ConfigurationFile.parse("server:\n  webhooks:\n    pollInterval: \(refused)\n")
            }
        }
        #expect(throws: ConfigurationError.self) { try ConfigurationFile.parse("server:\n  webhooks:\n    batch: 5\n") }
    }
}
