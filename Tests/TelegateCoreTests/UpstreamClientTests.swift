import AsyncHTTPClient
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
@testable import ProviderKit
import Synchronization
@testable import TelegateCore
import TelegateTesting
import Testing

/// The rules every adapter's calls follow, against a local server that misbehaves on demand.
@Suite("Upstream client")
struct UpstreamClientTests {
    /// A fake provider: `/ok`, `/429?after=N`, `/500` and `/401` (count calls), `/slow`, `/big`, `/garbage`.
    static func fakeProvider(calls: Calls) -> some ApplicationProtocol {
        let router = Router()
        router.get("/ok") { _, _ in #"{"ok":true}"# }
        router.post("/ok") { _, _ in #"{"ok":true}"# }
        router.get("/429") { request, _ in
            Response(status: .tooManyRequests, headers: [.retryAfter: request.uri.queryParameters["after"].map(String.init) ?? "7"])
        }
        router.get("/500") { _, _ in
            calls.increment()
            return Response(status: .internalServerError)
        }
        router.post("/500") { _, _ in
            calls.increment()
            return Response(status: .badGateway)
        }
        router.get("/slow") { _, _ in
            try await Task.sleep(for: .seconds(3))
            return "late"
        }
        router.get("/401") { _, _ in
            calls.increment()
            return Response(status: .unauthorized)
        }
        router.get("/big") { _, _ in String(repeating: "x", count: 2 << 20) }
        router.get("/garbage") { _, _ in "<html>oops</html>" }
        return Application(router: router)
    }

    final class Calls: Sendable {
        private let count = Mutex(0)
        func increment() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    /// The outbound client these tests share, as the process shares one; it resolves nothing (every host is an
    /// IP literal or does not resolve).
    static let outbound = OutboundHTTPClient(resolver: NothingResolves())

    struct NothingResolves: HostResolver {
        func addresses(of host: String) async -> [IPAddress] { [] }
    }

    /// What the client reported about reaching the provider, latest last.
    final class Reports: Sendable {
        private let states = Mutex<[AdapterReachability.State]>([])
        func add(_ state: AdapterReachability.State) { states.withLock { $0.append(state) } }
        var all: [AdapterReachability.State] { states.withLock { $0 } }
    }

    /// A client for the fake provider; unless a test sets its own, the deadline is long, so a busy machine does not
    /// turn a test of status mapping into a timeout.
    private func upstream(
        _ policy: UpstreamClient.Policy = .patient, breaker: CircuitBreaker = CircuitBreaker(),
        urlPolicy: OutboundURLPolicy = OutboundURLPolicy(allowInsecureLoopback: true), reports: Reports = Reports()
    ) -> UpstreamClient {
        UpstreamClient(
            provider: "Fake", client: Self.outbound, breaker: breaker, policy: policy, urlPolicy: urlPolicy,
            metrics: ExchangeMetrics(), logger: Logger(label: "test"), report: { reports.add($0) })
    }

    private func code(_ body: () async throws -> Void) async -> (String?, Int?) {
        do {
            try await body()
            return (nil, nil)
        } catch let error as TelegateError {
            return (error.code.rawValue, error.retryAfter)
        } catch {
            return ("unexpected", nil)
        }
    }

    @Test("H2: 429 becomes 503 upstream_busy with the provider's Retry-After, bounded, and is not retried")
    func rateLimited() async throws {
        try await Self.fakeProvider(calls: Calls()).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let (code, retryAfter) = await code { _ = try await upstream().send(.init(.GET, base + "/429?after=7", idempotent: true, operation: "get")) }
            #expect(code == "upstream_busy")
            #expect(retryAfter == 7)
            let (_, capped) = await self.code { _ = try await upstream().send(.init(.GET, base + "/429?after=99999", idempotent: true, operation: "get")) }
            #expect(capped == 30)
        }
    }

    @Test("H3: 5xx is retried only for idempotent requests, then 503 upstream_unavailable")
    func serverErrors() async throws {
        let calls = Calls()
        try await Self.fakeProvider(calls: calls).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            var policy = UpstreamClient.Policy()
            policy.backoff = .milliseconds(5)
            policy.totalTimeout = .seconds(60)
            let (code, _) = await code { _ = try await upstream(policy).send(.init(.GET, base + "/500", idempotent: true, operation: "get")) }
            #expect(code == "upstream_unavailable")
            let afterGet = calls.value
            #expect(afterGet >= 2 && afterGet <= 3, "an idempotent request is retried, at most three attempts")
            let (postCode, _) = await self.code { _ = try await upstream(policy).send(.init(.POST, base + "/500", idempotent: false, operation: "create")) }
            #expect(postCode == "upstream_unavailable")
            #expect(calls.value - afterGet <= 1, "a non-idempotent request is never repeated")
        }
    }

    @Test("H11: 401 becomes 502 adapter_misconfigured, not retried even when idempotent, and does not trip the breaker")
    func unauthorized() async throws {
        let calls = Calls()
        try await Self.fakeProvider(calls: calls).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let breaker = CircuitBreaker(failureThreshold: 1)
            let (code, _) = await code { _ = try await upstream(breaker: breaker).send(.init(.GET, base + "/401", idempotent: true, operation: "get")) }
            #expect(code == "adapter_misconfigured")
            #expect(calls.value == 1)
            #expect(breaker.state == .closed)
        }
    }

    @Test("M5: a slow provider hits the total deadline; an oversized body is refused")
    func timeoutsAndSize() async throws {
        try await Self.fakeProvider(calls: Calls()).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            var policy = UpstreamClient.Policy()
            policy.totalTimeout = .milliseconds(300)
            policy.maxAttempts = 1
            // The provider answers after 3 s: had the 300 ms deadline not ended the call, it would have succeeded.
            let (slow, _) = await code { _ = try await upstream(policy).send(.init(.GET, base + "/slow", idempotent: true, operation: "get")) }
            #expect(slow == "upstream_unavailable")
            let (big, _) = await code { _ = try await upstream().send(.init(.GET, base + "/big", idempotent: true, operation: "get")) }
            #expect(big == "upstream_invalid_response")
            let garbage = try await upstream().send(.init(.GET, base + "/garbage", idempotent: true, operation: "get"))
            #expect(throws: TelegateError.self) { try garbage.json(provider: "Fake") }
        }
    }

    @Test("H3: the breaker opens after repeated failures and answers 503 without calling; it recovers")
    func breakerOpens() async throws {
        let calls = Calls()
        try await Self.fakeProvider(calls: calls).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            var policy = UpstreamClient.Policy()
            policy.maxAttempts = 1
            let clock = TestClock()
            let breaker = CircuitBreaker(failureThreshold: 3, openDuration: .seconds(10), clock: clock.wallClock)
            let client = upstream(policy, breaker: breaker)
            for _ in 0..<3 { _ = await code { _ = try await client.send(.init(.GET, base + "/500", idempotent: true, operation: "get")) } }
            #expect(calls.value == 3)
            let (code, _) = await code { _ = try await client.send(.init(.GET, base + "/500", idempotent: true, operation: "get")) }
            #expect(code == "upstream_unavailable")
            #expect(calls.value == 3, "an open breaker makes no call")
            clock.advance(10)
            let ok = try await client.send(.init(.GET, base + "/ok", idempotent: true, operation: "get"))
            #expect(ok.status == 200)
            #expect(breaker.state == .closed)
        }
    }

    @Test("M2: the outbound URL policy is enforced at call time; the adapter reports the refusal, the breaker does not count it")
    func urlPolicyAtCallTime() async throws {
        let reports = Reports()
        let breaker = CircuitBreaker(failureThreshold: 1)
        let client = upstream(breaker: breaker, urlPolicy: OutboundURLPolicy(), reports: reports)
        for url in ["http://169.254.169.254/latest", "https://[2002:a9fe:a9fe::]/latest", "https://[fec0::1]/"] {
            let (code, _) = await code { _ = try await client.send(.init(.GET, url, idempotent: true, operation: "get")) }
            #expect(code == "unsafe_url", "\(url)")
        }
        #expect(reports.all.count == 3)
        #expect(reports.all.allSatisfy { if case .refused = $0 { true } else { false } })
        #expect(breaker.state == .closed)
    }

    @Test("A host that does not resolve is 503 upstream_unavailable at once, not retried, reported as unresolvable")
    func unresolvable() async throws {
        let reports = Reports()
        var policy = UpstreamClient.Policy.patient
        policy.backoff = .milliseconds(1)
        let (code, retryAfter) = await code {
            _ = try await upstream(policy, reports: reports).send(
                .init(.GET, "https://nonexistent.invalid/v1/users", idempotent: true, operation: "get"))
        }
        #expect(code == "upstream_unavailable")
        #expect(retryAfter == 5)
        #expect(reports.all == [.unresolvable(host: "nonexistent.invalid")])
    }

    @Test("An answered call reports the provider reachable; a 5xx reports it failing")
    func reachability() async throws {
        try await Self.fakeProvider(calls: Calls()).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let reports = Reports()
            var policy = UpstreamClient.Policy.patient
            policy.maxAttempts = 1
            _ = try await upstream(policy, reports: reports).send(.init(.GET, base + "/ok", idempotent: true, operation: "get"))
            #expect(reports.all == [.reachable])
            _ = await code { _ = try await upstream(policy, reports: reports).send(.init(.GET, base + "/500", idempotent: true, operation: "get")) }
            #expect(reports.all.last == .failing(reason: "status 500"))
        }
    }
}

extension UpstreamClient.Policy {
    /// The standard policy with a 60-second deadline.
    fileprivate static var patient: Self {
        var policy = Self()
        policy.totalTimeout = .seconds(60)
        return policy
    }
}
