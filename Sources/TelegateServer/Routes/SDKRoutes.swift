import HTTPTypes
import Hummingbird
import NIOCore
import TelegateCore

/// The browser SDK, `@telegate/sdk`: its ES module and TypeScript declarations (the files of the package folder
/// `Sources/TelegateServer/SDK/package/`, embedded at build time), readable from any origin because Mini Apps import
/// the module as a cross-origin script.
///
/// `GET /sdk/telegate.js` and `/sdk/telegate.d.ts` follow the server's upgrades (a short cache);
/// `GET /sdk/<version>/telegate.js` and `…/telegate.d.ts` (the server's ``TelegateVersion``) never change, so they are
/// cached for a year as immutable.
struct SDKRoutes {
    /// One file of the package.
    private struct File {
        let name: String
        let contentType: String
        let bytes: ByteBuffer
    }

    private static let files = [
        File(name: "telegate.js", contentType: "text/javascript; charset=utf-8", bytes: ByteBuffer(bytes: PackageResources.telegate_js)),
        File(
            name: "telegate.d.ts", contentType: "application/typescript; charset=utf-8",
            bytes: ByteBuffer(bytes: PackageResources.telegate_d_ts)),
    ]

    /// The cache policy of the unversioned paths.
    static let latestCacheControl = "public, max-age=300"
    /// The cache policy of the versioned paths.
    static let versionedCacheControl = "public, max-age=31536000, immutable"

    func register(on router: Router<TelegateRequestContext>) {
        for file in Self.files {
            router.get("/sdk/\(file.name)") { _, _ in Self.response(file, cacheControl: Self.latestCacheControl) }
            router.get("/sdk/\(TelegateVersion.current)/\(file.name)") { _, _ in
                Self.response(file, cacheControl: Self.versionedCacheControl)
            }
        }
    }

    private static func response(_ file: File, cacheControl: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: file.contentType, .accessControlAllowOrigin: "*", .cacheControl: cacheControl,
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: file.bytes))
    }
}
