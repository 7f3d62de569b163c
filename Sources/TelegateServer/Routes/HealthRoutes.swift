import Hummingbird
import StrictJSON
import TelegateCore

/// `GET /healthz` (the process answers), `GET /readyz` (the database answers too) and `GET /metrics`
/// (Prometheus text).
///
/// An adapter that cannot reach its provider is named in `/readyz`'s `detail.adapters` and in `/metrics`, but does
/// not make the instance unready: it is one app's provider, and every other app and adapter still serves.
struct HealthRoutes {
    let storage: any TelegateStorage
    let metrics: ExchangeMetrics
    let reachability: AdapterReachability

    func register(on router: Router<TelegateRequestContext>) {
        router.get("/healthz") { _, _ in JSONResponse.make(.object([("status", .string("ok"))])) }
        router.get("/readyz") { _, _ in
            let ready = await storage.isReachable()
            return JSONResponse.make(
                .object([
                    ("status", .string(ready ? "ready" : "storage_unavailable")),
                    ("detail", .object([("adapters", reachability.unhealthyJSON)])),
                ]),
                status: ready ? .ok : .serviceUnavailable, headers: ready ? [:] : [.retryAfter: "2"])
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render() + reachability.renderMetrics())))
        }
    }
}
