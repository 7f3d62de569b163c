import Testing

@testable import TelegateApp

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

    @Test("dispatch defaults to true; an instance with dispatch: false runs no webhook dispatcher (and still its message sender)")
    func dispatch() async throws {
        #expect(try ConfigurationFile.parse("server:\n  port: 8080\n").server.webhooks.dispatch)
        #expect(try !ConfigurationFile.parse("server:\n  webhooks:\n    dispatch: false\n").server.webhooks.dispatch)
        #expect(throws: ConfigurationError.self) { try ConfigurationFile.parse("server:\n  webhooks:\n    dispatch: 1\n") }
        for dispatch in [true, false] {
            try await TestService.run(configure: { $0.server.webhooks.dispatch = dispatch }) { service in
                let services = service.application.httpApplication().services
                #expect(services.contains { $0 is WebhookDispatchService } == dispatch)
                #expect(services.contains { $0 is MessageSendService })
            }
        }
    }
}
