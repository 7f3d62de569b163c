import Foundation
import TelegateCore
import TestSupport
import Testing

/// Telegate's webhook signatures checked by the `standardwebhooks` PyPI package, not by our own code.
@Suite("Standard Webhooks interoperability")
struct WebhookSignatureInteropTests {
    @Test(
        "standardwebhooks verifies our signatures, with either secret during a rotation, and refuses a changed body",
        .enabled(if: StandardWebhooksVerifier.isAvailable, "needs python3 with standardwebhooks (pip install standardwebhooks)"))
    func verifiedIndependently() async throws {
        let current = "whsec_" + Data(SecureRandom.bytes(32)).base64EncodedString()
        let previous = "whsec_" + Data(SecureRandom.bytes(24)).base64EncodedString()
        let signer = try #require(StandardWebhookSigner(secrets: [current, previous]))
        let now = Int64(Date().timeIntervalSince1970)
        let body = Array(#"{"type":"user.created","timestamp":"2026-12-03T21:00:00Z","data":{"app":"poll","name":"Zoë"}}"#.utf8)
        var headers: [String: String] = [:]
        for header in signer.headers(id: "evt_01JEXAMPLE", timestamp: now, body: body) { headers[header.name] = header.value }

        let accepted = try await StandardWebhooksVerifier.verify([
            .init(secret: current, headers: headers, body: body),
            .init(secret: previous, headers: headers, body: body),
        ])
        #expect(accepted.status == 0, "\(accepted.output)")

        let refused = try await StandardWebhooksVerifier.verify([
            .init(secret: current, headers: headers, body: body + Array(" ".utf8)),
        ])
        #expect(refused.status != 0)
        #expect(refused.output.contains("No matching signature"))
    }
}
