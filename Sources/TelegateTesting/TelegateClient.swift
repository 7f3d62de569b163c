import AsyncHTTPClient
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// Sends requests to a Telegate under test: in process through its router (no socket), or over HTTP to a live
/// server. Paths are relative to the server's root (`/v1/apps/poll/exchange`).
public struct TelegateClient: Sendable {
    private enum Transport: Sendable {
        case router(any TestClientProtocol)
        case socket(HTTPClient, baseURL: String)
    }

    private let transport: Transport

    /// A client calling the router directly, as Hummingbird's router testing hands it out.
    public init(router: any TestClientProtocol) {
        transport = .router(router)
    }

    /// A client calling a live server at `baseURL` through `client`.
    public init(client: HTTPClient, baseURL: String) {
        transport = .socket(client, baseURL: baseURL)
    }

    /// Sends a request; `contentType` is sent only with a body.
    public func request(
        _ method: HTTPRequest.Method, _ path: String, body: String? = nil, contentType: String? = "application/json",
        headers: [(String, String)] = []
    ) async throws -> HTTPReply {
        var all = headers
        if body != nil, let contentType { all.insert(("Content-Type", contentType), at: 0) }
        switch transport {
        case .router(let client):
            var fields = HTTPFields()
            for (name, value) in all {
                guard let name = HTTPField.Name(name) else { continue }
                fields.append(HTTPField(name: name, value: value))
            }
            let response = try await client.executeRequest(
                uri: path, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) })
            return HTTPReply(
                status: response.status.code, headers: response.headers.map { ($0.name.rawName, $0.value) },
                body: String(buffer: response.body))
        case .socket(let client, let baseURL):
            var request = HTTPClientRequest(url: baseURL + path)
            request.method = .init(rawValue: method.rawValue)
            if let body { request.body = .bytes(ByteBuffer(string: body)) }
            for (name, value) in all { request.headers.add(name: name, value: value) }
            let response = try await client.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return HTTPReply(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                body: String(buffer: bytes))
        }
    }
}
