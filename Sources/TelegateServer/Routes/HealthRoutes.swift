import Hummingbird
import StrictJSON
import TelegateCore

/// `GET /healthz` (the process answers), `GET /readyz` (the database answers too) and `GET /metrics`
/// (Prometheus text).
struct HealthRoutes {
    let storage: any TelegateStorage
    let metrics: ExchangeMetrics
    /// Client connection counters, when the server keeps them.
    let connections: ConnectionMetrics?

    func register(on router: Router<TelegateRequestContext>) {
        router.get("/healthz") { _, _ in JSONResponse.make(.object([("status", .string("ok"))])) }
        router.get("/readyz") { _, _ in
            let ready = await storage.isReachable()
            return JSONResponse.make(
                .object([("status", .string(ready ? "ready" : "storage_unavailable"))]),
                status: ready ? .ok : .serviceUnavailable, headers: ready ? [:] : [.retryAfter: "2"])
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render() + (connections?.render() ?? ""))))
        }
    }
}
