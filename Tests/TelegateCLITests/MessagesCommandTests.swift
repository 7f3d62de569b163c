import AsyncHTTPClient
import Foundation
import TestSupport
import Testing

/// `telegate messages …` on the local database of the README's `telegate.yaml`, after one login made a user (the
/// server is stopped again, so what the commands queue stays queued and visible).
@Suite("telegate messages")
struct MessagesCommandTests {
    @Test("send, batch (--users and --users-file) and show: ids printed, status queued; refusals are the API's codes and queue nothing")
    func sendBatchShow() async throws {
        let port = FreePort.next()
        let run = try await FirstHourRun.readmeApplied(port: port)
        defer { run.remove() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let server = try await run.serve(["serve", "--config", "telegate.yaml"], port: port, client: client)
            let status = try await run.exchange(app: "poll", token: FirstHourTests.pollToken, port: port, client: client)
            try await server.stop()
            try await client.shutdown()
            #expect(status == 200)
        } catch {
            try? await client.shutdown()
            throw error
        }
        let config = ["--config", "telegate.yaml"]
        let users = try await run.cli(["users", "list", "poll", "--json"] + config)
        let user = try #require((users.json["items"] as? [[String: Any]])?.first?["id"] as? String, "\(users.stdout)")

        let sent = try await run.cli(
            ["messages", "send", "--app", "poll", "--user", user, "--text", "<b>A new match</b>", "--parse-mode", "HTML",
             "--silent", "--web-app-button", "Open=https://poll.example.com/app/matches", "--json"] + config)
        #expect(sent.status == 0, "\(sent.stderr)")
        let id = try #require(sent.json["id"] as? String)
        #expect(id.hasPrefix("msg_"))
        #expect(sent.json["status"] as? String == "queued")

        let shown = try await run.cli(["messages", "show", "--app", "poll", id] + config)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("status: queued"), "\(shown.stdout)")
        #expect(shown.stdout.contains("user: \(user)"), "\(shown.stdout)")
        #expect(!shown.stdout.contains("A new match"))

        let batch = try await run.cli(["messages", "batch", "--app", "poll", "--users", user, "--text", "Meetup at 7"] + config)
        #expect(batch.status == 0, "\(batch.stderr)")
        let lines = batch.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("USER") == true, "\(batch.stdout)")
        #expect(lines.count == 2 && lines[1].hasPrefix(user) && lines[1].contains("queued"), "\(batch.stdout)")
        try run.write("users.txt", "\(user)\n\n")
        let fromFile = try await run.cli(
            ["messages", "batch", "--app", "poll", "--users-file", "users.txt", "--text", "Meetup at 8", "--json"] + config)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect((fromFile.json["items"] as? [[String: Any]])?.map { $0["user"] as? String } == [user])

        // Refusals: the API's own codes, and nothing queued by a refused batch.
        let oversize = try await run.cli(
            ["messages", "send", "--app", "poll", "--user", user, "--text", String(repeating: "a", count: 4097)] + config)
        #expect(oversize.status == 2)
        #expect(oversize.stderr.contains("invalid_field"), "\(oversize.stderr)")
        let stranger = "usr_01JZZZZZZZZZZZZZZZZZZZZZZZ"
        let unknown = try await run.cli(
            ["messages", "batch", "--app", "poll", "--users", "\(user),\(stranger)", "--text", "hi"] + config)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("user_not_found"), "\(unknown.stderr)")
        let duplicate = try await run.cli(["messages", "batch", "--app", "poll", "--users", "\(user),\(user)", "--text", "hi"] + config)
        #expect(duplicate.stderr.contains("invalid_field"), "\(duplicate.stderr)")
        let badButton = try await run.cli(
            ["messages", "send", "--app", "poll", "--user", user, "--text", "hi", "--web-app-button", "no-url"] + config)
        #expect(badButton.status != 0)
        let insecureButton = try await run.cli(
            ["messages", "send", "--app", "poll", "--user", user, "--text", "hi", "--web-app-button", "Open=http://poll.example.com"]
                + config)
        #expect(insecureButton.stderr.contains("invalid_field"), "\(insecureButton.stderr)")
        let missing = try await run.cli(["messages", "show", "--app", "poll", "msg_01JZZZZZZZZZZZZZZZZZZZZZZZ"] + config)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("message_not_found"), "\(missing.stderr)")
        let audit = try await run.cli(["audit", "--app", "poll", "--json"] + config)
        let queued = (audit.json["items"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "messages.queued" }
        #expect(queued.count == 3, "\(audit.stdout)")
    }
}
