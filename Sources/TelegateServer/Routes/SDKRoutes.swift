import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /sdk/telegate.js`: the browser SDK (`Sources/TelegateServer/SDK/telegate.js`, embedded at build time),
/// readable from any origin because Mini Apps import it as a cross-origin module script.
struct SDKRoutes {
    /// The module's bytes, shared by every response.
    private static let script = ByteBuffer(bytes: PackageResources.telegate_js)

    func register(on router: Router<TelegateRequestContext>) {
        router.get("/sdk/telegate.js") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/javascript; charset=utf-8", .accessControlAllowOrigin: "*",
                    .cacheControl: "public, max-age=300", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                ],
                body: .init(byteBuffer: Self.script))
        }
    }
}
