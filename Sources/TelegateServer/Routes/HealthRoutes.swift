import Hummingbird
import ProviderKit
import StrictJSON
import TelegateCore

/// `GET /healthz` (the process answers), `GET /readyz` (the database answers too; in `detail`, how far this
/// process's clock is from the database's and which adapters cannot reach their provider) and `GET /metrics`
/// (Prometheus text).
///
/// An adapter that cannot reach its provider is named in `/readyz`'s `detail.adapters` and in `/metrics`, but does
/// not make the instance unready: it is one app's provider, and every other app and adapter still serves.
struct HealthRoutes {
    let storage: any TelegateStorage
    let metrics: ExchangeMetrics
    let clock: DatabaseClock
    let time: TimePolicy
    let reachability: AdapterReachability
    /// Client connection counters, when the server keeps them.
    let connections: ConnectionMetrics?
    /// Webhook delivery counters; the queue's depth and age are read from the database at each scrape.
    let webhookMetrics: WebhookMetrics
    /// Bot message counters; the queue's depth and age are read from the database at each scrape.
    let messageMetrics: MessageMetrics

    func register(on router: Router<TelegateRequestContext>) {
        router.get("/healthz") { _, _ in JSONResponse.make(.object([("status", .string("ok"))])) }
        router.get("/readyz") { _, _ in
            let ready = await storage.isReachable()
            return JSONResponse.make(
                .object([
                    ("status", .string(ready ? "ready" : "storage_unavailable")),
                    ("detail", .object([("clock", clockReport()), ("adapters", reachability.unhealthyJSON)])),
                ]),
                status: ready ? .ok : .serviceUnavailable, headers: ready ? [:] : [.retryAfter: "2"])
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: metrics.render() + clockMetric() + reachability.renderMetrics() + (connections?.render() ?? "")
                            + (await webhookMetric()) + (await messageMetric()))))
        }
    }

    /// The last measured skew against the database's clock, and whether it is beyond the leeway (`skewed`). A
    /// skewed instance stays ready: what it stores and signs follows the database's clock. The flag is for the
    /// operator, whose instance clock needs fixing (NTP).
    private func clockReport() -> JSONValue {
        let skew = clock.skew
        return .object([
            ("status", .string(time.tolerates(skew: skew) ? "ok" : "skewed")), ("skewSeconds", .number("\(skew)")),
            ("leewaySeconds", .integer(time.leeway)),
        ])
    }

    /// The webhook counters and the shared queue's depth and oldest age; without the gauges when the database does not
    /// answer (readiness reports that).
    private func webhookMetric() async -> String {
        guard let backlog = try? await storage.webhookDeliveries.backlog() else {
            return webhookMetrics.render(pending: nil, oldestCreatedAt: nil, now: clock.wallClock.now)
        }
        return webhookMetrics.render(pending: backlog.pending, oldestCreatedAt: backlog.oldestCreatedAt, now: clock.wallClock.now)
    }

    /// The bot message counters and the shared queue's depth and oldest age; without the gauges when the database
    /// does not answer.
    private func messageMetric() async -> String {
        guard let backlog = try? await storage.botMessages.backlog() else {
            return messageMetrics.render(queued: nil, oldestCreatedAt: nil, now: clock.wallClock.now)
        }
        return messageMetrics.render(queued: backlog.queued, oldestCreatedAt: backlog.oldestCreatedAt, now: clock.wallClock.now)
    }

    /// `telegate_clock_skew_seconds`, the same measurement as a gauge.
    private func clockMetric() -> String {
        """
        # HELP telegate_clock_skew_seconds How far the database's clock is ahead of this instance's (negative: behind), as last measured.
        # TYPE telegate_clock_skew_seconds gauge
        telegate_clock_skew_seconds \(clock.skew)

        """
    }
}
