import Foundation
import TelegateTesting
import TelegramSimulator
import TestSupport
import Testing

/// Bot messages sent by real `telegate serve` processes on one PostgreSQL database: both instances send from the
/// shared queue, each message claimed by one of them.
extension MultiInstanceTests {
    @Test("Two instances share the message queue: 200 queued messages reach the Bot API simulator exactly once each")
    func messagesAcrossInstances() async throws {
        let count = 200
        let chats = (0..<count).map { 48_100_000 + Int64($0) }
        let bot = try #require(TelegramBotSimulatorConfiguration.Bot(token: TelegateCluster.botToken, username: "cluster_bot"))
        let simulator = TelegramBotSimulator(
            configuration: TelegramBotSimulatorConfiguration(bots: [bot], chats: chats.map { .init(id: $0, status: .started) }))
        try await LoopbackServer.serving({ simulator.makeRouter() }) { base in
            try await TelegateCluster.run { cluster in
                let (a, b) = (cluster.instances[0], cluster.instances[1])
                let pointed = try await cluster.command(
                    ["bots", "update", "poll", String(bot.id), "--api-url", base, "--allow-insecure-loopback"])
                try #require(pointed.status == 0, "\(pointed.stderr)")
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for (index, chat) in chats.enumerated() {
                        group.addTask { try await cluster.exchange(on: index.isMultiple(of: 2) ? a : b, telegramID: chat).status }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.allSatisfy { $0 == 200 }, "\(Set(statuses))")
                let users = try #require(try await cluster.text("SELECT string_agg(id, E'\\n' ORDER BY id) FROM users WHERE app_id = 'poll'"))
                try Data(users.utf8).write(to: cluster.directory.appendingPathComponent("users.txt"))

                // Queued on the database by the CLI: no instance is told, both find the messages by polling.
                let queued = try await cluster.command([
                    "messages", "batch", "--app", "poll", "--users-file", cluster.directory.appendingPathComponent("users.txt").path,
                    "--text", "A meetup is scheduled", "--json",
                ])
                try #require(queued.status == 0, "\(queued.stderr)")
                #expect((queued.json["items"] as? [Any])?.count == count)

                #expect(
                    try await waitUntil("every message is sent", timeout: 120, interval: 100) {
                        try await cluster.count("bot_messages WHERE status = 'sent'") == count
                    })
                #expect(try await cluster.count("bot_messages WHERE status <> 'sent'") == 0)
                #expect(chats.allSatisfy { simulator.api.messages(chat: $0).count == 1 })
                #expect(chats.reduce(0) { $0 + simulator.api.counters(chat: $1).received } == count)

                // Each instance counts what it sent: together, every message once.
                var sent = 0
                for instance in [a, b] {
                    let metrics = String(decoding: try await cluster.get("/metrics", on: instance).body, as: UTF8.self)
                    let line = metrics.split(separator: "\n").first { $0.hasPrefix("telegate_messages_total{result=\"sent\"}") }
                    sent += Int(line?.split(separator: " ").last ?? "") ?? 0
                }
                #expect(sent == count)
            }
        }
    }
}
