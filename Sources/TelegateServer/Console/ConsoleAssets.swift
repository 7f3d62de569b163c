import HTTPTypes
import Hummingbird
import NIOCore

/// The console's stylesheet and script (`Sources/TelegateServer/Console/console.css` and `console.js`, embedded at
/// build time), served from the console's own origin so its Content-Security-Policy needs nothing else.
enum ConsoleAssets {
    static func register(on router: Router<TelegateRequestContext>) {
        let files = [
            ("console.css", "text/css; charset=utf-8", ByteBuffer(bytes: PackageResources.console_css)),
            ("console.js", "text/javascript; charset=utf-8", ByteBuffer(bytes: PackageResources.console_js)),
        ]
        for (name, contentType, bytes) in files {
            router.get(RouterPath("\(ConsoleRoutes.prefix)/\(name)")) { _, _ in
                Response(
                    status: .ok,
                    headers: [
                        .contentType: contentType, .cacheControl: "no-cache",
                        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                    ],
                    body: .init(byteBuffer: bytes))
            }
        }
    }
}
