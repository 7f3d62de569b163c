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
        let client = clientAddress(request, context)
        if let retryAfter = limiter.take(client) {
            throw TelegateError(.rateLimited, status: 429, "too many requests; slow down", retryAfter: retryAfter)
        }
        return try await next(request, context)
    }

    func clientAddress(_ request: Request, _ context: Context) -> String {
        let peer = context.peerAddress ?? "unknown"
        guard trustedProxies.contains(peer), let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] else {
            return peer
        }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return hops.last { !trustedProxies.contains($0) } ?? peer
    }
}
