import Foundation
import TestSupport
import Testing

/// `telegate webhooks test|deliveries|replay` on the local database of the README's `telegate.yaml` (no server runs,
/// so what they queue stays pending and visible).
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
}
