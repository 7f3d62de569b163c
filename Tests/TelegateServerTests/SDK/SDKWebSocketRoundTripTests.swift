import Foundation
import Logging
import StrictJSON
import TelegateTesting
import TelegateVerifier
import TelegateVerifierHummingbird
import TestSupport
import Testing

/// The WebSocket round trip: a page using the SDK (`createTelegate`, `trpcConnectionParams` for the first message,
/// `authenticateSocket` for the refreshes) subscribes through a backend that authenticates sockets with
/// `TelegateVerifier` (``SubscriptionBackend``), in the same serialized suite as the other browser tests.
extension SDKBrowserTests {
    @Test(
        "WebSocket round trip: one connection keeps its subscription across three refreshes of 5-second tokens; expiry closes with 4401, another app's token with 4403",
        Playwright.isInstalled)
    func webSocketRoundTrip() async throws {
        let pagePort = FreePort.next()
        let refreshes = 3
        try await TestService.run(
            live: true, clock: TestClock(Int64(Date().timeIntervalSince1970)), wallClock: .system,
            configure: Self.configure(pageOrigin: HeadlessChromium.origin(port: pagePort))
        ) { service in
            let quiz = try await service.exchange(app: "quiz", initData: try service.signedInitData(token: TestService.quizToken))
            let otherAppToken = try #require(quiz.json["credential"]?["accessToken"]?.stringValue, "\(quiz.body)")
            service.rememberSecrets([otherAppToken])
            // No leeway: the identity's token expires at its `exp`, and a token past it is refused at once.
            var options = VerifierOptions()
            options.leeway = .zero
            let issuer = service.baseURL + "/apps/poll"
            let verifier = TelegateVerifier(
                issuer: try #require(URL(string: issuer)), audience: issuer + "/api/convex", options: options, httpClient: service.client,
                clock: .system, logger: Logger(label: "test.verifier") { _ in SwiftLogNoOpLogHandler() })
            let backend = SubscriptionBackend(authenticator: TelegateWebSocketAuthenticator(verifier: verifier))
            let seen = try await backend.serving { url in
                try await Self.script(
                    "roundtrip", service: service, pagePort: pagePort,
                    arguments: [
                        "--provider", "convex", "--init-data", try service.signedInitData(), "--ws-url", url, "--other-token", otherAppToken,
                        "--refreshes", "\(refreshes)",
                    ])
            }
            let page = try #require(seen["roundtrip"], "\(seen)")
            let identities = backend.seen.identities
            // The first token and three refreshed ones, each sent as an auth message on the one connection, and each
            // tick answered under the identity current when it was asked for, counting on without a gap.
            #expect(page["errors"] == .array([]), "\(seen)")
            #expect(page["openThroughRefreshes"] == .bool(true), "\(seen)")
            #expect(page["tokens"]?.integerValue.map { $0 >= refreshes + 1 } == true, "\(seen)")
            #expect(page["ticks"] == page["tokens"], "\(seen)")
            #expect(page["ticksInOrder"] == .bool(true), "the subscription restarted: \(seen)")
            #expect(page["ticksTagged"] == .bool(true), "a tick carried another identity than the token just sent: \(seen)")
            #expect(page["jtis"] == .array(identities.map { .string($0) }), "the backend saw other identities: \(identities) \(seen)")
            #expect(identities.count >= refreshes + 1, "\(identities)")
            // Without refreshes the identity expires: 4401, after the token's exp; the expired token is refused on a
            // new connection (4401), and a token of app `quiz` is refused (4403).
            #expect(page["expiryClose"]?.integerValue == 4401, "\(seen)")
            #expect(page["closedAfterExp"] == .bool(true), "\(seen)")
            #expect(page["expiredTokenClose"]?.integerValue == 4401, "\(seen)")
            #expect(page["otherAppClose"]?.integerValue == 4403, "\(seen)")
            let counts = backend.seen
            #expect(counts.connections == 1, "only the first connection was ever authenticated: \(counts)")
            #expect(counts.upgrades == 3, "\(counts)")
        }
    }
}
