import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import StrictJSON
import Synchronization
import TelegateCore

/// A request to an identity provider's API.
public struct UpstreamRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Whether repeating the request is harmless (reads, and writes the provider deduplicates); only these are
    /// retried.
    public var idempotent: Bool
    /// A short name for logs and metrics (`create_user`, `sign_in_token`).
    public var operation: String

    /// Creates a request.
    public init(
        _ method: HTTPMethod, _ url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        idempotent: Bool, operation: String
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.idempotent = idempotent
        self.operation = operation
    }

    /// A request with a JSON body.
    public static func json(
        _ method: HTTPMethod, _ url: String, _ body: JSONValue, headers: [(name: String, value: String)] = [],
        idempotent: Bool, operation: String
    ) -> UpstreamRequest {
        UpstreamRequest(
            method, url, headers: headers + [("Content-Type", "application/json")], body: body.serializedBytes,
            idempotent: idempotent, operation: operation)
    }
}

/// A provider's answer: any status below 500 other than 429, and than 401 and 403 unless the policy passes them on
/// (the adapter interprets the other 4xx).
public struct UpstreamResponse: Sendable {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    /// The first header named `name`, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as strict JSON; anything else is `502 upstream_invalid_response`.
    public func json(provider: String) throws -> JSONValue {
        guard let value = try? JSONValue.parse(body) else { throw TelegateError.upstreamInvalidResponse(provider) }
        return value
    }
}

/// Calls an identity provider the way every adapter must: a 2 s connect and 8 s total deadline, retries only for
/// idempotent requests (exponential backoff with full jitter), `429` as `503 upstream_busy` with a bounded
/// `Retry-After`, `401`/`403` as `502 adapter_misconfigured` (never retried), `5xx`, timeouts and connection
/// failures as `503 upstream_unavailable` (a host that does not resolve too, not retried: the answer is cached
/// briefly), a circuit breaker per adapter, a size cap on bodies, the outbound-URL policy checked on the address
/// each connection is made to (``OutboundHTTPClient``), and pooled keep-alive connections. What each call learned
/// about reaching the provider is reported to ``AdapterReachability``. Upstream bodies never reach clients or logs.
public struct UpstreamClient: Sendable {
    /// Timeouts, retries and limits.
    public struct Policy: Sendable {
        /// The deadline for the whole call, retries included.
        public var totalTimeout: Duration = .seconds(8)
        /// Attempts for idempotent requests.
        public var maxAttempts = 3
        /// The first backoff; doubled per attempt, with full jitter.
        public var backoff: Duration = .milliseconds(100)
        /// The longest `Retry-After` passed on to clients, in seconds.
        public var maxRetryAfter = 30
        /// The largest accepted response body.
        public var maxBodyBytes = 1 << 20
        /// Whether `401`/`403` end the call as `502 adapter_misconfigured`. An adapter that can recover from some
        /// of them (renewing a cached token, reading the provider's error code) turns this off and receives them.
        public var refusalsAreMisconfiguration = true

        public init() {}
    }

    /// The provider's name in errors and logs (`Clerk`, `Logto`).
    public let provider: String
    private let client: OutboundHTTPClient
    private let breaker: CircuitBreaker
    private let policy: Policy
    private let urlPolicy: OutboundURLPolicy
    private let metrics: ExchangeMetrics
    private let logger: Logger
    private let report: @Sendable (AdapterReachability.State) -> Void

    /// Creates a client for one adapter; `report` hears what each call learned about reaching the provider.
    public init(
        provider: String, client: OutboundHTTPClient, breaker: CircuitBreaker = CircuitBreaker(), policy: Policy = Policy(),
        urlPolicy: OutboundURLPolicy, metrics: ExchangeMetrics, logger: Logger,
        report: @escaping @Sendable (AdapterReachability.State) -> Void = { _ in }
    ) {
        self.provider = provider
        self.client = client
        self.breaker = breaker
        self.policy = policy
        self.urlPolicy = urlPolicy
        self.metrics = metrics
        self.logger = logger
        self.report = report
    }

    /// Sends `request` under the rules above.
    public func send(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        guard let timer = UpstreamTimer.current else { return try await attempts(request) }
        let started = ContinuousClock.now
        defer { timer.add(ContinuousClock.now - started) }
        return try await attempts(request)
    }

    /// Sends `request`, retrying as the policy allows.
    private func attempts(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        let deadline = ContinuousClock.now + policy.totalTimeout
        var attempt = 0
        while true {
            attempt += 1
            guard breaker.allowsCall() else {
                throw TelegateError(
                    .upstreamUnavailable, "\(provider) is failing; calls are paused briefly",
                    retryAfter: Int(breaker.openDuration.components.seconds))
            }
            let started = ContinuousClock.now
            do {
                let response = try await execute(request, deadline: deadline)
                if response.status < 500 { report(.reachable) }
                metrics.recordUpstream(provider: provider, operation: request.operation, status: response.status, duration: ContinuousClock.now - started)
                if response.status == 429 {
                    // The provider is shedding load: pass its wait on, bounded, and do not add to its load.
                    breaker.recordSuccess()
                    let wait = response.header("Retry-After").flatMap(Int.init).map { min(max($0, 1), policy.maxRetryAfter) } ?? 1
                    throw TelegateError(.upstreamBusy, "\(provider) is rate-limiting requests; retry later", retryAfter: wait)
                }
                if policy.refusalsAreMisconfiguration, response.status == 401 || response.status == 403 {
                    // Our credentials or their scope are wrong: retrying cannot help, and the provider is healthy.
                    breaker.recordSuccess()
                    throw TelegateError.adapterMisconfigured(provider, "it refused the configured credentials")
                }
                if response.status >= 500 {
                    throw UpstreamFailure.status(response.status)
                }
                breaker.recordSuccess()
                return response
            } catch let failure as UpstreamFailure {
                switch failure {
                case .refused(let reason):
                    // The URL now leads somewhere the policy refuses: nothing was sent, and the provider is not
                    // to blame.
                    report(.refused(reason: reason))
                    throw OutboundURLPolicy.refused(reason)
                case .unresolvable(let host): report(.unresolvable(host: host))
                case .status, .timeout, .connection: report(.failing(reason: failure.description))
                case .tooLarge: break
                }
                breaker.recordFailure()
                logger.warning(
                    "upstream call failed",
                    metadata: ["provider": "\(provider)", "operation": "\(request.operation)", "failure": "\(failure)", "attempt": "\(attempt)"])
                if failure == .tooLarge { throw TelegateError.upstreamInvalidResponse(provider) }
                if case .unresolvable = failure {
                    throw TelegateError(
                        .upstreamUnavailable, "\(provider) is unavailable: its host does not resolve; retry shortly",
                        retryAfter: 5)
                }
                let backoff = jitteredBackoff(attempt)
                guard request.idempotent, attempt < policy.maxAttempts, ContinuousClock.now + backoff < deadline else {
                    throw TelegateError(.upstreamUnavailable, "\(provider) is unavailable; retry shortly", retryAfter: 2)
                }
                try await Task.sleep(for: backoff)
            }
        }
    }

    private func execute(_ request: UpstreamRequest, deadline: ContinuousClock.Instant) async throws(UpstreamFailure)
        -> UpstreamResponse
    {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { throw .timeout }
        do {
            let response = try await client.execute(
                outgoing, policy: urlPolicy, deadline: .now() + TimeAmount(remaining), maxBodyBytes: policy.maxBodyBytes)
            return UpstreamResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                body: Array(response.body.readableBytesView))
        } catch is NIOTooManyBytesError {
            throw .tooLarge
        } catch let refusal as TelegateError {
            throw .refused(refusal.message)
        } catch let unresolvable as OutboundUnresolvable {
            throw .unresolvable(unresolvable.host)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw .timeout
        } catch {
            throw .connection
        }
    }

    private func jitteredBackoff(_ attempt: Int) -> Duration {
        let cap = policy.backoff * (1 << min(attempt - 1, 6))
        let milliseconds = Int64(cap.components.seconds) * 1000 + cap.components.attoseconds / 1_000_000_000_000_000
        return .milliseconds(Int64.random(in: 0...max(milliseconds, 1)))
    }

    /// Why an attempt failed.
    enum UpstreamFailure: Error, Equatable, CustomStringConvertible {
        case status(Int)
        case timeout
        case connection
        case tooLarge
        /// The host does not resolve.
        case unresolvable(String)
        /// The outbound policy refuses where the URL leads; nothing was sent.
        case refused(String)

        var description: String {
            switch self {
            case .status(let code): "status \(code)"
            case .timeout: "timeout"
            case .connection: "connection failed"
            case .tooLarge: "response too large"
            case .unresolvable: "host does not resolve"
            case .refused: "address refused by the outbound policy"
            }
        }
    }
}

extension TelegateError {
    /// `502 upstream_invalid_response`: the provider answered something unusable; its body is not passed on.
    public static func upstreamInvalidResponse(_ provider: String) -> TelegateError {
        TelegateError(.upstreamInvalidResponse, "\(provider) returned a response Telegate cannot use")
    }

    /// `502 adapter_misconfigured`: the provider refused our credentials or configuration; an admin must act.
    public static func adapterMisconfigured(_ provider: String, _ message: String) -> TelegateError {
        TelegateError(.adapterMisconfigured, "\(provider) rejected Telegate's configuration: \(message)")
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        self = .nanoseconds(nanoseconds)
    }
}
