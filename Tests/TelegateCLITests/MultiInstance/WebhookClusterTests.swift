import Foundation
import Hummingbird
import Synchronization
import TelegateTesting
import TestSupport
import Testing

/// Webhook delivery by real `telegate serve` processes on one PostgreSQL database: each delivery claimed by one
/// instance, and none lost or repeated when an instance is killed between a change and its delivery.
extension MultiInstanceTests {
    @Test("Two instances, 1,000 first logins: exactly 1,000 user.created deliveries, no webhook-id twice")
    func webhookFanOutAcrossInstances() async throws {
        let receiver = WebhookReceiver()
        try await LoopbackServer.serving({ receiver.router() }) { base in
            try await TelegateCluster.run { cluster in
                let (a, b) = (cluster.instances[0], cluster.instances[1])
                try await Self.subscribe(cluster, url: base + "/hooks")
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    var statuses: [Int] = []
                    for index in 0..<1_000 {
                        if index >= 64 { statuses.append(try await group.next()!) }
                        group.addTask {
                            try await cluster.exchange(on: index.isMultiple(of: 2) ? a : b, telegramID: 48_000_000 + Int64(index)).status
                        }
                    }
                    for try await status in group { statuses.append(status) }
                    return statuses
                }
                #expect(statuses.allSatisfy { $0 == 200 })
                #expect(try await Self.settled(cluster, delivered: 1_000), "deliveries did not settle")
                let ids = receiver.ids
                #expect(ids.count == 1_000)
                #expect(Set(ids).count == 1_000)
            }
        }
    }

    @Test("kill -9 of the only instance between a first login's commit and its delivery: delivered after the restart, once")
    func webhookDeliveredAfterCrash() async throws {
        let receiver = WebhookReceiver()
        try await LoopbackServer.serving({ receiver.router() }) { base in
            try await TelegateCluster.run(instances: 1) { cluster in
                let instance = cluster.instances[0]
                try await Self.subscribe(cluster, url: base + "/hooks")
                await instance.stop()
                try await instance.start(client: cluster.client, faultPoints: "after-commit-before-provider:crash")
                _ = try? await cluster.exchange(on: instance, telegramID: 49_000_001)
                #expect(await instance.waitForExit(), "the instance did not crash")
                #expect(try await cluster.count("users") == 1)
                // The crash came before any send: the delivery waits in the database and the receiver has nothing yet.
                #expect(try await cluster.count("webhook_deliveries WHERE status = 'pending' AND attempts = 0") == 1)
                #expect(receiver.ids.isEmpty)
                try await instance.start(client: cluster.client)
                #expect(try await Self.settled(cluster, delivered: 1), "the delivery was not sent after the restart")
                #expect(receiver.ids.count == 1)
            }
        }
    }

    /// Adds an endpoint at `url` for `user.created` to the `poll` app, with the CLI, on the cluster's database.
    static func subscribe(_ cluster: TelegateCluster, url: String) async throws {
        let added = try await cluster.command([
            "webhooks", "add", "--app", "poll", "--url", url, "--event", "user.created", "--allow-insecure-loopback", "true",
            "--json",
        ])
        try #require(added.status == 0, "\(added.stderr)")
    }

    /// Whether, within two minutes, `delivered` deliveries are delivered and none is pending (polling the database).
    static func settled(_ cluster: TelegateCluster, delivered expected: Int) async throws -> Bool {
        try await waitUntil("\(expected) deliveries are delivered", timeout: 120, interval: 100) {
            let pending = try await cluster.count("webhook_deliveries WHERE status = 'pending'")
            let delivered = try await cluster.count("webhook_deliveries WHERE status = 'delivered'")
            return pending == 0 && delivered == expected
        }
    }
}

/// A webhook endpoint that answers `answer` (`204` unless told) and keeps each request's `webhook-id`.
final class WebhookReceiver: Sendable {
    private let received = Mutex<[String]>([])
    private let answer: HTTPResponse.Status

    init(answer: HTTPResponse.Status = .noContent) {
        self.answer = answer
    }

    /// The `webhook-id`s received, in order.
    var ids: [String] { received.withLock { $0 } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/hooks") { [self] request, _ -> Response in
            let id = request.headers[.init("webhook-id")!] ?? ""
            received.withLock { $0.append(id) }
            return Response(status: answer)
        }
        return router
    }
}
