import AsyncHTTPClient
import Foundation
import Hummingbird
import TelegateTesting
import TestSupport
import Testing

/// `telegate webhooks test|deliveries|replay` on the local database of the README's `telegate.yaml` (no server runs,
/// so what they queue stays pending and visible; one test serves, to list a delivery that was attempted).
@Suite("telegate webhooks deliveries")
struct WebhookDeliveriesCommandTests {
    @Test("test queues a webhook.test; deliveries lists it (filtered, paged); replay one or a time range; an unknown event is webhook_delivery_not_found")
    func deliveries() async throws {
        let run = try await FirstHourRun.readmeApplied()
        defer { run.remove() }
        let config = ["--config", "telegate.yaml"]
        let added = try await run.cli(
            ["webhooks", "add", "--app", "poll", "--url", WebhooksCommandTests.url, "--event", "user.created", "--json"]
                + config)
        #expect(added.status == 0, "\(added.stderr)")
        let id = try #require(added.json["id"] as? String)
        let endpoint = ["--app", "poll", "--id", id] + config

        let tested = try await run.cli(["webhooks", "test"] + endpoint + ["--json"])
        #expect(tested.status == 0, "\(tested.stderr)")
        let event = try #require(tested.json["event"] as? String)
        #expect(event.hasPrefix("evt_"))
        _ = try await run.cli(["webhooks", "test"] + endpoint)

        let listed = try await run.cli(["webhooks", "deliveries"] + endpoint)
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.first?.contains("STATUS") == true)
        #expect(lines.count == 3)
        let page = try await run.cli(["webhooks", "deliveries", "--status", "pending", "--limit", "1", "--json"] + endpoint)
        #expect(page.status == 0, "\(page.stderr)")
        let items = try #require(page.json["items"] as? [[String: Any]])
        #expect(items.count == 1)
        #expect(items.first?["status"] as? String == "pending")
        #expect(page.json["next"] != nil)
        let delivered = try await run.cli(["webhooks", "deliveries", "--status", "delivered"] + endpoint)
        #expect(delivered.stdout.contains("no deliveries"), "\(delivered.stdout)")
        let badStatus = try await run.cli(["webhooks", "deliveries", "--status", "lost"] + endpoint)
        #expect(badStatus.status != 0)
        #expect(badStatus.stderr.contains("invalid_field"), "\(badStatus.stderr)")

        let one = try await run.cli(["webhooks", "replay", "--event", event, "--json"] + endpoint)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.json["replayed"] as? Int == 1)
        let range = try await run.cli(["webhooks", "replay", "--since", "0", "--json"] + endpoint)
        #expect(range.status == 0, "\(range.stderr)")
        #expect(range.json["replayed"] as? Int == 2)
        let unknown = try await run.cli(
            ["webhooks", "replay", "--event", "evt_01JZZZZZZZZZZZZZZZZZZZZZZZ"] + endpoint)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("webhook_delivery_not_found"), "\(unknown.stderr)")
        let neither = try await run.cli(["webhooks", "replay"] + endpoint)
        #expect(neither.status != 0)
    }

    @Test("deliveries shows a delivery the server attempted against a failing endpoint: pending, its attempts, the last status and error")
    func retriedDelivery() async throws {
        let receiver = WebhookReceiver(answer: .serviceUnavailable)
        try await LoopbackServer.serving({ receiver.router() }) { base in
            let port = FreePort.next()
            let run = try await FirstHourRun.readmeApplied(port: port)
            defer { run.remove() }
            let config = ["--config", "telegate.yaml"]
            let added = try await run.cli(
                ["webhooks", "add", "--app", "poll", "--url", base + "/hooks", "--event", "user.created",
                 "--allow-insecure-loopback", "true", "--json"] + config)
            #expect(added.status == 0, "\(added.stderr)")
            let endpoint = ["--app", "poll", "--id", try #require(added.json["id"] as? String)] + config
            let tested = try await run.cli(["webhooks", "test", "--json"] + endpoint)
            let event = try #require(tested.json["event"] as? String, "\(tested.stderr)")

            // The server sends it, the endpoint answers 503, and the attempt is recorded. What is listed is read while
            // the server runs: every attempt then meets the 503 (the server keeps retrying, so only the number of
            // attempts may grow between two readings), while one cut short by the server's own stop would not.
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let server = try await run.serve(["serve"] + config, port: port, client: client)
            do {
                try await waitUntil("the attempt is recorded", timeout: 60, interval: 200) {
                    let listed = try await run.cli(["webhooks", "deliveries", "--json"] + endpoint)
                    return (listed.json["items"] as? [[String: Any]])?.first?["attempts"] as? Int ?? 0 >= 1
                }
                let listed = try await run.cli(["webhooks", "deliveries", "--json"] + endpoint)
                #expect(listed.status == 0, "\(listed.stderr)")
                let item = try #require((listed.json["items"] as? [[String: Any]])?.first, "\(listed.stdout)")
                #expect(item["event"] as? String == event)
                #expect(item["status"] as? String == "pending")
                let attempts = try #require(item["attempts"] as? Int)
                #expect(attempts >= 1)
                #expect(attempts <= receiver.ids.count)
                #expect(item["lastStatus"] as? Int == 503)
                #expect(item["lastError"] as? String == "status 503")

                let table = try await run.cli(["webhooks", "deliveries"] + endpoint)
                #expect(table.status == 0, "\(table.stderr)")
                #expect(table.stdout.split(separator: "\n").count == 2, "\(table.stdout)")
                #expect(Self.cell("STATUS", of: table.stdout) == "pending", "\(table.stdout)")
                #expect(Int(Self.cell("ATTEMPTS", of: table.stdout) ?? "") ?? 0 >= attempts, "\(table.stdout)")
                #expect(Self.cell("LAST STATUS", of: table.stdout) == "503", "\(table.stdout)")
                #expect(Self.cell("LAST ERROR", of: table.stdout) == "status 503", "\(table.stdout)")
            } catch {
                try? await server.stop()
                try? await client.shutdown()
                throw error
            }
            try await server.stop()
            try await client.shutdown()
        }
    }

    /// What the first row of the table `output` shows under the heading `column` (the columns are two spaces apart).
    static func cell(_ column: String, of output: String) -> String? {
        let lines = output.split(separator: "\n").map(String.init)
        guard lines.count >= 2, let start = lines[0].range(of: column)?.lowerBound else { return nil }
        let row = lines[1].dropFirst(lines[0].distance(from: lines[0].startIndex, to: start))
        return row.components(separatedBy: "  ").first
    }
}
