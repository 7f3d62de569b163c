import Foundation
import TelegateCore
import TelegateTesting
import TestSupport
import Testing

/// Telegate's webhook signatures checked by the `standardwebhooks` PyPI package, not by our own code, and by the
/// Python verification docs/events.md shows.
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

    @Test(
        "The Python verification of docs/events.md, run as written, accepts a delivery Telegate sent and refuses a changed body",
        .enabled(if: StandardWebhooksVerifier.isAvailable, "needs python3 with standardwebhooks (pip install standardwebhooks)"))
    func documentedPythonVerifiesADelivery() async throws {
        // The receiver checks the timestamp against the wall clock: the service's clock starts there and stays.
        let clock = TestClock(Int64(Date().timeIntervalSince1970))
        let receiver = WebhookDeliveryTests.Receiver()
        try await LoopbackServer.serving({ receiver.router() }) { base in
            try await TestService.run(clock: clock) { service in
                try await WebhookDeliveryTests.subscribe(service, url: base + "/hooks")
                let storage = service.application.services.storage
                let endpoint = try #require(try await storage.configuration.app(AppSpec.pollID)?.webhooks.first)
                try await storage.webhookDeliveries.appendTest(
                    .webhookTest(appID: AppSpec.pollID, webhook: endpoint.id, at: clock.now), to: endpoint.id)
                #expect(try await WebhookDeliveryTests.deliver(service) { receiver.requests.withLock { $0.count } == 1 })
                let delivery = try #require(receiver.requests.withLock { $0.first })

                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-doc-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let requests: [[String: Any]] = [
                    ["headers": delivery.headers, "body": Data(delivery.body).base64EncodedString()],
                    ["headers": delivery.headers, "body": Data(delivery.body + Array(" ".utf8)).base64EncodedString()],
                ]
                try JSONSerialization.data(withJSONObject: requests).write(to: directory.appendingPathComponent("requests.json"))
                let script = try DocBlock.read("docs/events.md", "verify-python") + Self.documentedPythonDriver
                try Data(script.utf8).write(to: directory.appendingPathComponent("verify.py"))
                let environment = ProcessInfo.processInfo.environment.merging(
                    ["TELEGATE_WEBHOOK_SECRET": WebhookDeliveryTests.secret]) { $1 }
                let run = try await ChildProcess.run(
                    "/usr/bin/env", ["python3", "verify.py", "requests.json"], environment: environment, directory: directory.path)
                #expect(run.status == 0, "\(run.output)")
                let lines = run.output.split(separator: "\n").map(String.init)
                #expect(lines.count == 2, "\(run.output)")
                #expect(lines.first == "accepted webhook.test \(endpoint.id)", "\(run.output)")
                #expect(lines.last?.hasPrefix("refused: No matching signature") == true, "\(run.output)")
            }
        }
    }

    /// Appended to the documented snippet: passes each request of the file named by the first argument to its
    /// `receive`, and prints what came of it.
    static let documentedPythonDriver = """


        import base64
        import json
        import sys

        for item in json.load(open(sys.argv[1])):
            try:
                event = receive(base64.b64decode(item["body"]), item["headers"])
                print("accepted", event["type"], event["data"]["webhook"])
            except WebhookVerificationError as error:
                print("refused:", error)

        """
}
