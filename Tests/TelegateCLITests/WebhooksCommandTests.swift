import Foundation
import TestSupport
import Testing

/// `telegate webhooks …` on the local database of the README's `telegate.yaml`.
@Suite("telegate webhooks")
struct WebhooksCommandTests {
    static let url = "https://site.example/hooks/telegate"

    @Test("add, list, show, update (rotating) and remove: a generated secret is printed once; refusals store nothing")
    func lifecycle() async throws {
        let run = try await FirstHourRun.readmeApplied()
        defer { run.remove() }
        let config = ["--config", "telegate.yaml"]

        let added = try await run.cli(
            ["webhooks", "add", "--app", "poll", "--url", Self.url, "--event", "user.created", "--event", "user.erased", "--json"]
                + config)
        #expect(added.status == 0, "\(added.stderr)")
        let secret = try #require(added.json["secret"] as? String)
        #expect(secret.hasPrefix("whsec_"))
        let id = try #require(added.json["id"] as? String)

        let unknown = try await run.cli(
            ["webhooks", "add", "--app", "poll", "--url", Self.url + "/2", "--event", "user.teleported"] + config)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("invalid_field"), "\(unknown.stderr)")
        let internalHost = try await run.cli(
            ["webhooks", "add", "--app", "poll", "--url", "https://10.0.0.5/hook", "--event", "user.created"] + config)
        #expect(internalHost.status != 0)
        #expect(internalHost.stderr.contains("unsafe_url"), "\(internalHost.stderr)")

        let listed = try await run.cli(["webhooks", "list", "--app", "poll"] + config)
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.dropFirst().map { $0.split(separator: " ").first.map(String.init) } == [id])

        let shown = try await run.cli(["webhooks", "show", "--app", "poll", "--id", id, "--json"] + config)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.json["secret"] == nil)
        #expect(!shown.stdout.contains(secret))

        let rotated = try await run.cli(
            ["webhooks", "update", "--app", "poll", "--id", id, "--rotate-secret", "--event", "user.updated"] + config)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdout.contains("secret: whsec_"), "\(rotated.stdout)")
        #expect(!rotated.stdout.contains(secret))
        #expect(rotated.stdout.contains("previousSecretExpiresAt"), "\(rotated.stdout)")
        #expect(rotated.stderr.contains("shown only this once"))

        let removed = try await run.cli(["webhooks", "remove", "--app", "poll", "--id", id] + config)
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout.contains("removed webhook \(id) from poll"))
        let missing = try await run.cli(["webhooks", "show", "--app", "poll", "--id", id] + config)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("webhook_not_found"), "\(missing.stderr)")
    }
}
