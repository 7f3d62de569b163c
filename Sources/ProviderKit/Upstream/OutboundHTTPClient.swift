import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// The HTTP client every call to an identity provider goes through: a host is resolved once, every address it
/// resolved to is checked against the caller's ``OutboundURLPolicy``, and the connection is made to exactly one of
/// those checked addresses. DNS rebinding (a public answer for the check, an internal one for the connection) has
/// no second lookup to change.
///
/// The checked answer is kept for `resolutionTTL` (an answer that found nothing for `failedResolutionTTL`), so a
/// warm call does not resolve. Each host gets its own pooled client whose `dnsOverride` pins it to the chosen
/// address: TLS still sends the host name (SNI) and checks the certificate against it, `Host` is unchanged, and
/// the pool keeps its per-host keep-alive connections. A later answer that still contains the pinned address keeps
/// the pin (and its warm connections); otherwise the host is pinned anew and the old client is shut down once its
/// calls in flight have finished. A host that is an IP literal needs no pin: the client connects to it as written.
/// Redirects are never followed: a redirect target would be resolved by the client, unchecked.
public final class OutboundHTTPClient: Sendable {
    private let configuration: HTTPClient.Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let resolver: any HostResolver
    private let resolutionTTL: Duration
    private let failedResolutionTTL: Duration
    /// For hosts that are IP literals.
    private let direct: HTTPClient
    private let lookups = SingleFlight<String, [IPAddress]>()
    private let state = Mutex(State())

    private struct Resolution {
        let addresses: [IPAddress]
        let expires: ContinuousClock.Instant
    }

    private struct Pin {
        let address: IPAddress
        let client: HTTPClient
    }

    private struct State {
        var resolutions: [String: Resolution] = [:]
        var pins: [String: Pin] = [:]
        /// Calls in flight per pinned client.
        var leases: [ObjectIdentifier: Int] = [:]
        /// Replaced pins whose calls have not all finished.
        var retired: [ObjectIdentifier: HTTPClient] = [:]
        var isShutDown = false
    }

    /// A client whose connections use `configuration` (timeouts, pool size, TLS); its `dnsOverride` and redirect
    /// settings are Telegate's own.
    public init(
        configuration: HTTPClient.Configuration = HTTPClient.Configuration(),
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup, resolver: any HostResolver = SystemHostResolver(),
        resolutionTTL: Duration = .seconds(30), failedResolutionTTL: Duration = .seconds(5)
    ) {
        var configuration = configuration
        configuration.redirectConfiguration = .disallow
        configuration.dnsOverride = [:]
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.resolver = resolver
        self.resolutionTTL = resolutionTTL
        self.failedResolutionTTL = failedResolutionTTL
        self.direct = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
    }

    /// Where a connection for `url` may go under `policy`, resolving through the same short-lived cache the calls
    /// use (so checking a URL also warms it).
    public func destination(of url: String, policy: OutboundURLPolicy) async -> OutboundDestination {
        guard let target = OutboundTarget(url) else { return .refused(reason: OutboundURLPolicy.notHTTP(url)) }
        if let literal = target.literal { return policy.evaluate(target, addresses: [literal]) }
        return policy.evaluate(target, addresses: await addresses(of: target.host))
    }

    /// Sends `request` to a checked address of its host and reads the whole answer, at most `maxBodyBytes` of it.
    /// Throws `422 unsafe_url` when the policy refuses the URL or an address its host resolves to, and
    /// ``OutboundUnresolvable`` when the host does not resolve; otherwise the HTTP client's own errors
    /// (`NIOTooManyBytesError` for a body over the cap).
    public func execute(
        _ request: HTTPClientRequest, policy: OutboundURLPolicy, deadline: NIODeadline, maxBodyBytes: Int
    ) async throws -> OutboundResponse {
        let client = try await lease(request.url, policy: policy)
        defer { release(client) }
        let response = try await client.execute(request, deadline: deadline)
        let body = try await response.body.collect(upTo: maxBodyBytes)
        return OutboundResponse(status: response.status, headers: response.headers, body: body)
    }

    /// Shuts every connection down; calls in flight fail.
    public func shutdown() async throws {
        let clients = state.withLock { state -> [HTTPClient] in
            state.isShutDown = true
            defer {
                state.pins = [:]
                state.retired = [:]
            }
            return state.pins.values.map(\.client) + state.retired.values
        }
        for client in clients + [direct] { try await client.shutdown() }
    }

    /// The client to send a request for `url` with, its lease taken.
    private func lease(_ url: String, policy: OutboundURLPolicy) async throws -> HTTPClient {
        guard let target = OutboundTarget(url) else { throw OutboundURLPolicy.refused(OutboundURLPolicy.notHTTP(url)) }
        if let literal = target.literal {
            if case .refused(let reason) = policy.evaluate(target, addresses: [literal]) { throw OutboundURLPolicy.refused(reason) }
            return direct
        }
        let addresses: [IPAddress]
        switch policy.evaluate(target, addresses: await self.addresses(of: target.host)) {
        case .allowed(_, let checked): addresses = checked
        case .unresolvable(let host): throw OutboundUnresolvable(host: host)
        case .refused(let reason): throw OutboundURLPolicy.refused(reason)
        }
        var replaced: HTTPClient?
        let client = try state.withLock { state -> HTTPClient in
            guard !state.isShutDown else { throw HTTPClientError.alreadyShutdown }
            let pin: Pin
            if let current = state.pins[target.host], addresses.contains(current.address) {
                pin = current
            } else {
                var configuration = configuration
                configuration.dnsOverride = [target.host: addresses[0].description]
                pin = Pin(address: addresses[0], client: HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration))
                if let old = state.pins.updateValue(pin, forKey: target.host)?.client {
                    if state.leases[ObjectIdentifier(old)] == nil { replaced = old } else { state.retired[ObjectIdentifier(old)] = old }
                }
            }
            state.leases[ObjectIdentifier(pin.client), default: 0] += 1
            return pin.client
        }
        replaced?.shutdown { _ in }
        return client
    }

    private func release(_ client: HTTPClient) {
        guard client !== direct else { return }
        let id = ObjectIdentifier(client)
        let drained = state.withLock { state -> HTTPClient? in
            let remaining = (state.leases[id] ?? 1) - 1
            guard remaining == 0 else {
                state.leases[id] = remaining
                return nil
            }
            state.leases[id] = nil
            return state.retired.removeValue(forKey: id)
        }
        drained?.shutdown { _ in }
    }

    /// The addresses `host` resolved to, from the cache while fresh; concurrent misses share one lookup.
    private func addresses(of host: String) async -> [IPAddress] {
        let now = ContinuousClock.now
        if let cached = state.withLock({ $0.resolutions[host] }), cached.expires > now { return cached.addresses }
        let resolved = (try? await lookups.run(host) { [resolver] in await resolver.addresses(of: host) }) ?? []
        let lifetime = resolved.isEmpty ? failedResolutionTTL : resolutionTTL
        state.withLock { $0.resolutions[host] = Resolution(addresses: resolved, expires: ContinuousClock.now + lifetime) }
        return resolved
    }
}

/// A provider's whole answer.
public struct OutboundResponse: Sendable {
    public let status: HTTPResponseStatus
    public let headers: HTTPHeaders
    public let body: ByteBuffer
}

/// An outbound URL's host does not resolve (a DNS outage, a typo, an offline machine).
public struct OutboundUnresolvable: Error, Sendable, Equatable {
    /// The host that found no address.
    public let host: String
}
