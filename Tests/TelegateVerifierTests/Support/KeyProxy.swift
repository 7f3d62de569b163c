import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import StrictJSON
import Synchronization

/// A relay in front of Telegate's issuer metadata, as a CDN or an egress proxy would be: it counts JWKS fetches and
/// can be switched to answer `503` (a JWKS outage) or to publish a key the test holds besides the issuer's. Its
/// discovery document names the relay's JWKS.
final class KeyProxy: Sendable {
    private let state = Mutex<(jwksFetches: Int, outage: Bool, addedKey: JSONValue?)>((0, false, nil))
    let upstream: String
    let client: HTTPClient

    init(upstream: String, client: HTTPClient) {
        self.upstream = upstream
        self.client = client
    }

    /// JWKS requests received (answered or not).
    var jwksFetches: Int { state.withLock { $0.jwksFetches } }

    /// Whether the relay answers `503` to everything.
    var outage: Bool {
        get { state.withLock { $0.outage } }
        set { state.withLock { $0.outage = newValue } }
    }

    /// A JWK the relay's JWKS publishes after the issuer's keys; `nil`: the issuer's keys only.
    var addedKey: JSONValue? {
        get { state.withLock { $0.addedKey } }
        set { state.withLock { $0.addedKey = newValue } }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/apps/:app/discovery") { request, context in
            guard !self.outage else { return Response(status: .serviceUnavailable) }
            let app = try context.parameters.require("app")
            let host = request.head.authority ?? ""
            let document = try await self.fetch("/apps/\(app)/.well-known/openid-configuration")
                .replacingOccurrences(
                    of: "\"\(self.upstream)/apps/\(app)/.well-known/jwks.json\"".replacingOccurrences(of: "/", with: "\\/"),
                    with: "\"http://\(host)/apps/\(app)/jwks\"")
                .replacingOccurrences(
                    of: "\"\(self.upstream)/apps/\(app)/.well-known/jwks.json\"", with: "\"http://\(host)/apps/\(app)/jwks\"")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: document)))
        }
        router.get("/apps/:app/jwks") { _, context in
            let (outage, addedKey) = self.state.withLock { state in
                state.jwksFetches += 1
                return (state.outage, state.addedKey)
            }
            guard !outage else { return Response(status: .serviceUnavailable) }
            var keys = try await self.fetch("/apps/\(try context.parameters.require("app"))/.well-known/jwks.json")
            if let addedKey, case .array(let published) = try JSONValue.parse(Array(keys.utf8))["keys"] {
                keys = JSONValue.object([("keys", .array(published + [addedKey]))]).serialized
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: keys)))
        }
        return router
    }

    private func fetch(_ path: String) async throws -> String {
        let response = try await client.execute(HTTPClientRequest(url: upstream + path), timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}
