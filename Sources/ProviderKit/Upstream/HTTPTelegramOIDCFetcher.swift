import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import TelegramAuth

/// Fetches Telegram's discovery document and key set over HTTPS with the shared client: a 5 s deadline, no
/// redirects followed, bodies capped at 1 MiB, and the outbound policy, strict unless a loopback stand-in is
/// configured (the key set's URL comes from the discovery document, so it is checked like any configured URL).
public struct HTTPTelegramOIDCFetcher: TelegramOIDCFetcher {
    private let client: OutboundHTTPClient
    private let policy: OutboundURLPolicy

    /// Creates a fetcher using `client`, connecting where `policy` allows.
    public init(client: OutboundHTTPClient, policy: OutboundURLPolicy = OutboundURLPolicy()) {
        self.client = client
        self.policy = policy
    }

    public func get(_ url: String) async throws -> TelegramOIDCResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await client.execute(
            request, policy: policy, deadline: .now() + .seconds(5), maxBodyBytes: 1 << 20)
        return TelegramOIDCResponse(
            status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
            body: Array(response.body.readableBytesView))
    }
}
