import Foundation
import HTTPTypes
import Hummingbird
import TelegateCore

/// Limits requests to `/v1/` per client address. The client is the connection's peer, unless that peer is one of
/// the configured trusted proxies, in which case it is the last address in `X-Forwarded-For` that is not a
/// trusted proxy: a client cannot dodge the limit by sending that header itself.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = TelegateRequestContext
    let limiter: RateLimiter
    let trustedProxies: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        let client = ClientAddress.of(request, context, trustedProxies: trustedProxies)
        if let retryAfter = limiter.take(client) {
            throw TelegateError(.rateLimited, "too many requests; slow down", retryAfter: retryAfter)
        }
        return try await next(request, context)
    }
}

/// The address a request comes from: the connection's peer, unless that peer is a trusted proxy, in which case
/// the last address in `X-Forwarded-For` that is not a trusted proxy.
enum ClientAddress {
    static func of(_ request: Request, _ context: TelegateRequestContext, trustedProxies: Set<String>) -> String {
        let peer = context.peerAddress ?? "unknown"
        guard trustedProxies.contains(peer), let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] else {
            return peer
        }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return hops.last { !trustedProxies.contains($0) } ?? peer
    }
}
