import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A provider API that answers what the test stubs and records what it was sent, served on loopback while the
/// test runs (Telegate's outbound client connects to checked addresses only, so it has no in-process transport).
/// An adapter under test reaches it with `allowInsecureLoopback: true`.
public final class FakeUpstream: Sendable {
    /// One request it received.
    public struct Received: Sendable {
        public let method: HTTPRequest.Method
        /// The path with its query.
        public let path: String
        public let headers: HTTPFields
        public let body: String
    }

    /// One stubbed answer.
    public struct Stub: Sendable {
        public var status: HTTPResponse.Status
        public var headers: HTTPFields
        public var body: String

        /// An answer with `body` sent as `contentType`.
        public init(status: HTTPResponse.Status = .ok, body: String = "", contentType: String = "application/json") {
            self.status = status
            headers = [.contentType: contentType]
            self.body = body
        }
    }

    private let state = Mutex<(stubs: [String: Stub], received: [Received])>(([:], []))

    /// An upstream with no stubs: every request gets 404 until stubbed.
    public init() {}

    /// Answers `method` `path` (without query) with `stub` from now on.
    public func stub(_ method: HTTPRequest.Method, _ path: String, _ stub: Stub) {
        state.withLock { $0.stubs["\(method.rawValue) \(path)"] = stub }
    }

    /// Every request received so far, oldest first.
    public var received: [Received] { state.withLock { $0.received } }

    /// Serves while `body` runs with the base URL.
    public func serving<Value: Sendable>(_ body: (String) async throws -> Value) async throws -> Value {
        try await LoopbackServer.serving(
            { [upstream = self] in
                let router = Router()
                router.add(middleware: Responder(upstream: upstream))
                return router
            }, body)
    }

    fileprivate func answer(_ request: Request, body: ByteBuffer) -> Response {
        let path = request.uri.path
        let stub = state.withLock { state in
            state.received.append(
                Received(method: request.method, path: request.uri.description, headers: request.headers, body: String(buffer: body)))
            return state.stubs["\(request.method.rawValue) \(path)"]
        }
        guard let stub else { return Response(status: .notFound) }
        return Response(status: stub.status, headers: stub.headers, body: .init(byteBuffer: ByteBuffer(string: stub.body)))
    }

    /// Answers every request, before routing.
    private struct Responder: RouterMiddleware {
        let upstream: FakeUpstream

        func handle(
            _ request: Request, context: BasicRequestContext,
            next: (Request, BasicRequestContext) async throws -> Response
        ) async throws -> Response {
            let body = try await request.body.collect(upTo: 1 << 20)
            return upstream.answer(request, body: body)
        }
    }
}
