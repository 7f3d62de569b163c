import AsyncHTTPClient
import Logging
import NIOCore
import ProviderKit
import StrictJSON
import TelegateCore
import TelegramAuth

/// Sends the outbox's webhook deliveries, on every instance: claims due deliveries from the shared
/// ``WebhookDeliveryQueue`` (each goes to exactly one instance, per-user order kept by the claim), signs each the
/// Standard Webhooks way, posts it through the outbound client under the endpoint's SSRF policy (checked again at
/// send time, on the address the connection is made to), and records the answer: `2xx` delivered; `410 Gone`
/// disables the endpoint (audited); anything else is retried on ``WebhookRetrySchedule`` and dead-lettered (audited)
/// after the last attempt.
///
/// It wakes when something in this process queues a delivery (``WebhookWakeup``) and otherwise every
/// ``Settings/pollInterval`` (events appended by other instances and the CLI). Neither secrets nor bodies are ever logged.
public final class WebhookDispatcher: Sendable {
    /// How the dispatcher works; the defaults are production's.
    public struct Settings: Sendable {
        /// How often the queue is checked when nothing nudges (`server.webhooks.pollInterval`).
        public var pollInterval: Duration = .seconds(1)
        /// The deadline of one request, connection included.
        public var requestTimeout: Duration = .seconds(10)
        /// Deliveries claimed at once per endpoint.
        public var batchSize = 32
        /// Requests in flight to one endpoint at most.
        public var concurrencyPerEndpoint = 4
        /// The retry schedule.
        public var schedule = WebhookRetrySchedule.standard

        /// The defaults.
        public init() {}

        /// How long a claim holds before another instance may take the delivery over (a crashed instance): the time
        /// a batch takes when every request of it runs into ``requestTimeout``, and half a minute more.
        public var lease: Int64 {
            let rounds = (batchSize + concurrencyPerEndpoint - 1) / concurrencyPerEndpoint
            return Int64(rounds) * requestTimeout.components.seconds + 30
        }
    }

    private let queue: any WebhookDeliveryQueue
    private let client: OutboundHTTPClient
    private let secretBox: SecretBox
    private let clock: WallClock
    private let audit: AuditLog
    private let metrics: WebhookMetrics
    private let logger: Logger
    private let settings: Settings
    private let wakeup: WebhookWakeup

    /// A dispatcher over `queue`.
    public init(
        queue: any WebhookDeliveryQueue, client: OutboundHTTPClient, secretBox: SecretBox, clock: WallClock,
        audit: AuditLog, metrics: WebhookMetrics, wakeup: WebhookWakeup, logger: Logger, settings: Settings = Settings()
    ) {
        self.queue = queue
        self.client = client
        self.secretBox = secretBox
        self.clock = clock
        self.audit = audit
        self.metrics = metrics
        self.logger = logger
        self.settings = settings
        self.wakeup = wakeup
    }

    /// Sends what is due at start, at every wake-up and at every poll, until cancelled. Runs once per process (the
    /// wake-ups have one reader).
    public func run() async {
        await wakeup.drive(polling: settings.pollInterval) { await self.sendDue() }
    }

    /// One pass: claims what is due now and sends it, at most ``Settings/concurrencyPerEndpoint`` requests in flight
    /// per endpoint; returns how many deliveries were claimed. Tests drive the queue with it.
    @discardableResult
    public func sendDue() async -> Int {
        let now = clock.now
        let due: [DueWebhookDelivery]
        do {
            due = try await queue.claim(now: now, leaseUntil: now + settings.lease, limit: settings.batchSize)
        } catch {
            logger.warning("claiming webhook deliveries failed", metadata: ["error": "\(type(of: error))"])
            return 0
        }
        let byEndpoint = Dictionary(grouping: due, by: \.webhook)
        await withDiscardingTaskGroup { group in
            for deliveries in byEndpoint.values {
                group.addTask { await self.send(deliveries) }
            }
        }
        return due.count
    }

    /// Sends one endpoint's claimed deliveries, a bounded number at a time, then records every outcome in one write.
    /// An attempt cut short by this instance stopping is not recorded: its claim lapses and the delivery is attempted
    /// again, by this instance after a restart or by another, with the same `webhook-id`.
    private func send(_ deliveries: [DueWebhookDelivery]) async {
        let settlements = await withTaskGroup(of: WebhookSettlement?.self) { group in
            var next = deliveries.makeIterator()
            var settlements: [WebhookSettlement] = []
            for _ in 0..<settings.concurrencyPerEndpoint {
                guard let delivery = next.next() else { break }
                group.addTask { await self.attempt(delivery) }
            }
            while let settlement = await group.next() {
                if let settlement { settlements.append(settlement) }
                guard let delivery = next.next() else { continue }
                group.addTask { await self.attempt(delivery) }
            }
            return settlements
        }
        guard !settlements.isEmpty else { return }
        do {
            try await queue.settle(settlements)
        } catch {
            // The claims lapse and the deliveries are attempted again: at least once, never lost.
            logger.warning(
                "recording webhook deliveries failed",
                metadata: ["webhook": "\(deliveries[0].webhook)", "error": "\(type(of: error))"])
            return
        }
        for settlement in settlements { await report(settlement) }
    }

    /// One attempt at `delivery`, and what it came to; `nil` when it was cut short by this instance stopping.
    private func attempt(_ delivery: DueWebhookDelivery) async -> WebhookSettlement? {
        let outcome = await post(delivery)
        if case .interrupted = outcome { return nil }
        let attempts = delivery.attempts + 1
        let result: WebhookSettlement.Result
        switch outcome {
        case .answered(let status) where (200..<300).contains(status):
            result = .delivered(status: status)
        case .answered(410):
            result = .gone
        default:
            if let delay = settings.schedule.delay(afterAttempts: attempts) {
                result = .retry(status: outcome.status, error: outcome.description, nextAttemptAt: clock.now + delay)
            } else {
                result = .dead(status: outcome.status, error: outcome.description)
            }
        }
        return WebhookSettlement(delivery: delivery, attempts: attempts, result: result, at: clock.now)
    }

    /// Counts, logs and audits a recorded settlement.
    private func report(_ settlement: WebhookSettlement) async {
        let delivery = settlement.delivery
        let metadata: Logger.Metadata = [
            "app": "\(delivery.appID)", "webhook": "\(delivery.webhook)", "event": "\(delivery.event.id)",
            "attempt": "\(settlement.attempts)",
        ]
        switch settlement.result {
        case .delivered:
            metrics.record(.delivered)
        case .gone:
            metrics.record(.gone)
            logger.warning("webhook endpoint answered 410 Gone and was disabled", metadata: metadata)
            await audit.record(
                "webhook.disabled", appID: delivery.appID, target: delivery.webhook.rawValue,
                details: [("reason", .string("gone"))])
        case .retry(_, let error, _):
            metrics.record(.retried)
            logger.info("webhook delivery failed; retrying", metadata: metadata.merging(["failure": "\(error)"]) { $1 })
        case .dead(_, let error):
            metrics.record(.dead)
            logger.warning("webhook delivery dead-lettered", metadata: metadata.merging(["failure": "\(error)"]) { $1 })
            await audit.record(
                "webhook.dead_lettered", appID: delivery.appID, target: delivery.webhook.rawValue, outcome: .failure,
                details: [
                    ("event", .string(delivery.event.id.rawValue)), ("type", .string(delivery.event.type.rawValue)),
                    ("attempts", .integer(Int64(settlement.attempts))), ("lastError", .string(error)),
                ])
        }
    }

    /// Signs and posts `delivery`'s event.
    private func post(_ delivery: DueWebhookDelivery) async -> Outcome {
        let context = SealedWebhookSecret.sealingContext(appID: delivery.appID, webhook: delivery.webhook)
        guard
            let secrets = try? ([delivery.sealedSecret] + (delivery.previousSealedSecret.map { [$0] } ?? [])).map({
                try secretBox.openText($0, context: context)
            }),
            let signer = StandardWebhookSigner(secrets: secrets)
        else { return .secretUnreadable }
        let body = delivery.event.body.serializedBytes
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Telegate-Webhooks")
        for header in signer.headers(id: delivery.event.id.rawValue, timestamp: clock.now, body: body) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let policy = OutboundURLPolicy(
            allowInsecureLoopback: delivery.allowInsecureLoopback, allowPrivateNetworks: delivery.allowPrivateNetworks)
        do {
            let response = try await client.execute(
                request, policy: policy, deadline: .now() + TimeAmount(settings.requestTimeout),
                maxBodyBytes: Self.maxResponseBytes)
            return .answered(Int(response.status.code))
        } catch let refusal as TelegateError {
            return .refused(refusal.message)
        } catch is OutboundUnresolvable {
            return .unresolvable
        } catch let error as HTTPClientError where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) {
            return .timeout
        } catch is NIOTooManyBytesError {
            return .responseTooLarge
        } catch {
            return Task.isCancelled ? .interrupted : .connectionFailed
        }
    }

    /// The most of an endpoint's answer that is read; its body is never used.
    static let maxResponseBytes = 64 * 1024

    /// What one attempt came to; its description is the delivery's `last_error` (nothing secret, no body).
    enum Outcome: CustomStringConvertible {
        case answered(Int)
        case refused(String)
        case unresolvable
        case timeout
        case connectionFailed
        case responseTooLarge
        case secretUnreadable
        /// This instance stopped while the request was in flight: not the endpoint's doing, and never recorded.
        case interrupted

        var status: Int? {
            if case .answered(let status) = self { status } else { nil }
        }

        var description: String {
            switch self {
            case .answered(let status): "status \(status)"
            case .refused(let reason): "refused by the outbound URL policy: \(reason)"
            case .unresolvable: "host does not resolve"
            case .timeout: "timeout"
            case .connectionFailed: "connection failed"
            case .responseTooLarge: "response too large"
            case .secretUnreadable: "the signing secret could not be unsealed"
            case .interrupted: "interrupted by this instance stopping"
            }
        }
    }
}
