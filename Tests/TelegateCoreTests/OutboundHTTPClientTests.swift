import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
@testable import ProviderKit
import ServiceLifecycle
import Synchronization
@testable import TelegateCore
import Testing

/// Resolve once, check every address, connect to exactly a checked one: DNS rebinding has no second lookup to
/// change. Hosts here are names the system cannot resolve, answered by a scripted resolver, so a connection that
/// arrives at all was made to an address the scripted answer gave and the policy checked.
@Suite("Outbound HTTP client")
struct OutboundHTTPClientTests {
    /// Answers a host's n-th lookup with its n-th scripted answer (the last one repeats) and counts lookups.
    final class ScriptedResolver: HostResolver {
        private let answers: [String: [[String]]]
        private let lookups = Mutex<[String: Int]>([:])

        init(_ answers: [String: [[String]]]) {
            self.answers = answers
        }

        func addresses(of host: String) async -> [IPAddress] {
            let index = lookups.withLock { lookups in
                defer { lookups[host, default: 0] += 1 }
                return lookups[host, default: 0]
            }
            guard let script = answers[host], !script.isEmpty else { return [] }
            return script[min(index, script.count - 1)].compactMap(IPAddress.init(literal:))
        }

        func count(_ host: String) -> Int { lookups.withLock { $0[host, default: 0] } }
    }

    /// What a test server saw: one `Host` header per request.
    final class Hits: Sendable {
        private let hosts = Mutex<[String]>([])
        func add(_ host: String) { hosts.withLock { $0.append(host) } }
        var all: [String] { hosts.withLock { $0 } }
    }

    /// Serves `GET /who` (answering `name`) on each of `addresses`, all on one port, while `body` runs.
    private static func serving(
        _ addresses: [(host: String, name: String, hits: Hits)], _ body: (Int) async throws -> Void
    ) async throws {
        let quiet = Logger(label: "test.quiet") { _ in SwiftLogNoOpLogHandler() }
        var port = 0
        var groups: [ServiceGroup] = []
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for server in addresses {
                let router = Router()
                router.get("/who") { request, _ in
                    server.hits.add(request.head.authority ?? "")
                    return server.name
                }
                let (started, ready) = AsyncStream.makeStream(of: Int.self)
                let application = Application(
                    router: router, configuration: .init(address: .hostname(server.host, port: port)),
                    onServerRunning: { ready.yield($0.localAddress?.port ?? 0) }, logger: quiet)
                let group = ServiceGroup(
                    configuration: .init(services: [application], gracefulShutdownSignals: [], logger: quiet))
                groups.append(group)
                tasks.addTask {
                    defer { ready.finish() }
                    try await group.run()
                }
                var bound: Int?
                for await value in started {
                    bound = value
                    break
                }
                port = try #require(bound, "a test server could not bind \(server.host):\(port)")
            }
            do {
                try await body(port)
            } catch {
                for group in groups { await group.triggerGracefulShutdown() }
                throw error
            }
            for group in groups { await group.triggerGracefulShutdown() }
            try await tasks.waitForAll()
        }
    }

    /// The deadline only bounds a hang: a busy machine may take long to answer a local request.
    private static func get(_ client: OutboundHTTPClient, _ url: String, policy: OutboundURLPolicy) async throws -> String {
        let response = try await client.execute(
            HTTPClientRequest(url: url), policy: policy, deadline: .now() + .seconds(120), maxBodyBytes: 1024)
        return String(buffer: response.body)
    }

    /// Runs `body` with a client on `resolver`, and shuts the client down however `body` ends (an HTTP client that
    /// is not shut down stops the test process).
    private static func withClient(
        _ resolver: ScriptedResolver, resolutionTTL: Duration? = nil, _ body: (OutboundHTTPClient) async throws -> Void
    ) async throws {
        let client = resolutionTTL.map { OutboundHTTPClient(resolver: resolver, resolutionTTL: $0) } ?? OutboundHTTPClient(resolver: resolver)
        do {
            try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private let loopback = OutboundURLPolicy(allowInsecureLoopback: true)

    @Test("M2: DNS rebinding: a later answer naming an internal address is refused, and nothing reaches it")
    func rebinding() async throws {
        let hits = Hits()
        try await Self.serving([("127.0.0.1", "checked", hits)]) { port in
            let url = "http://rebind.test:\(port)/who"
            // Within the resolution's lifetime the checked answer is used: no second lookup could change it.
            let resolver = ScriptedResolver(["rebind.test": [["127.0.0.1"], ["169.254.169.254"]]])
            try await Self.withClient(resolver, resolutionTTL: .seconds(3600)) { (pinned: OutboundHTTPClient) async throws in
                for _ in 0..<3 { #expect(try await Self.get(pinned, url, policy: loopback) == "checked") }
            }
            #expect(resolver.count("rebind.test") == 1)
            // Resolving for every call: the rebound answer is checked before any connection, and refused.
            let rebinding = ScriptedResolver(["rebind.test": [["127.0.0.1"], ["169.254.169.254"]]])
            try await Self.withClient(rebinding, resolutionTTL: .zero) { (eager: OutboundHTTPClient) async throws in
                #expect(try await Self.get(eager, url, policy: loopback) == "checked")
                await #expect { try await Self.get(eager, url, policy: loopback) } throws: { error in
                    (error as? TelegateError)?.code == .unsafeURL
                }
            }
            #expect(hits.all.count == 4)
            // The request still names the host: Host (and, over TLS, SNI and the certificate check) are unchanged.
            #expect(hits.all.allSatisfy { $0 == "rebind.test:\(port)" })
        }
    }

    @Test("M2: each connection goes to exactly the address the last check accepted")
    func connectsToCheckedAddress() async throws {
        let first = Hits()
        let second = Hits()
        try await Self.serving([("127.0.0.2", "second", second), ("127.0.0.1", "first", first)]) { port in
            let resolver = ScriptedResolver(["moving.test": [["127.0.0.1"], ["127.0.0.2"]]])
            let url = "http://moving.test:\(port)/who"
            try await Self.withClient(resolver, resolutionTTL: .zero) { (client: OutboundHTTPClient) async throws in
                #expect(try await Self.get(client, url, policy: loopback) == "first")
                #expect(try await Self.get(client, url, policy: loopback) == "second")
                #expect(try await Self.get(client, url, policy: loopback) == "second")
            }
            #expect(first.all.count == 1)
            #expect(second.all.count == 2)
        }
    }

    @Test("A host that does not resolve is OutboundUnresolvable, not a refusal; a refused literal is never resolved")
    func unresolvableAndLiterals() async throws {
        let resolver = ScriptedResolver([:])
        try await Self.withClient(resolver) { (client: OutboundHTTPClient) async throws in
            #expect(await client.destination(of: "https://gone.test/", policy: OutboundURLPolicy()) == .unresolvable(host: "gone.test"))
            await #expect(throws: OutboundUnresolvable(host: "gone.test")) {
                try await Self.get(client, "https://gone.test/v1", policy: OutboundURLPolicy())
            }
            #expect(resolver.count("gone.test") == 1, "an answer that found nothing is kept briefly too")
            await #expect { try await Self.get(client, "https://[2002:7f00:1::]/", policy: OutboundURLPolicy()) } throws: { error in
                (error as? TelegateError)?.code == .unsafeURL
            }
            await #expect { try await Self.get(client, "https://[fec0::1]/", policy: OutboundURLPolicy()) } throws: { error in
                (error as? TelegateError)?.code == .unsafeURL
            }
        }
        #expect(resolver.count("2002:7f00:1::") == 0)
    }
}
