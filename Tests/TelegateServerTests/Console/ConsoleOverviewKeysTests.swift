import Foundation
import StrictJSON
import TelegateCore
import TelegateTesting
import Testing

/// The console's overview (the minute-by-minute history of this instance's metrics, and its charts) and its signing
/// keys page (rotating, retiring a retired key now), through the router and the admin API.
@Suite("Console overview and signing keys")
struct ConsoleOverviewKeysTests {
    // MARK: History

    /// Cumulative latency buckets (one per bound, then `+Inf`) holding `observations` of each bucket index.
    private static func buckets(_ observations: [Int: UInt64]) -> [UInt64] {
        var running: UInt64 = 0
        return (0...ExchangeMetrics.buckets.count).map { index in
            running += observations[index] ?? 0
            return running
        }
    }

    @Test("A minute's counts are the counter deltas by result family and adapter; quantiles come from bucket deltas")
    func historyMath() throws {
        typealias Outcome = ExchangeTotals.Outcome
        let clerk = ExchangeTotals.Series(app: "poll", adapter: "clerk")
        let start = MetricsHistory.Reading(
            at: 1_000,
            totals: ExchangeTotals(
                exchanges: [
                    Outcome(app: "poll", adapter: "clerk", outcome: "success"): 10,
                    Outcome(app: "poll", adapter: "clerk", outcome: "signature_invalid"): 2,
                    Outcome(app: "quiz", adapter: "oidc", outcome: "success"): 5,
                ],
                latency: [clerk: Self.buckets([4: 7])]),
            queueDepth: 3)
        // Then 40 exchanges of 1–2 ms (bucket 4) and 60 of 5–10 ms (bucket 6).
        let end = MetricsHistory.Reading(
            at: 1_060,
            totals: ExchangeTotals(
                exchanges: [
                    Outcome(app: "poll", adapter: "clerk", outcome: "success"): 25,
                    Outcome(app: "poll", adapter: "clerk", outcome: "signature_invalid"): 3,
                    Outcome(app: "poll", adapter: "clerk", outcome: "upstream_unavailable"): 4,
                    Outcome(app: "poll", adapter: "clerk", outcome: "adapter_misconfigured"): 1,
                    Outcome(app: "poll", adapter: "clerk", outcome: "internal_error"): 1,
                    Outcome(app: "quiz", adapter: "oidc", outcome: "success"): 7,
                ],
                latency: [clerk: Self.buckets([4: 47, 6: 60])]),
            queueDepth: 5)

        let all = MetricsHistory.point(from: start, to: end, app: nil)
        #expect(all.from == 1_000 && all.at == 1_060)
        #expect(all.results == ["ok": 17, "refused": 1, "upstream": 5, "server": 1])
        #expect(all.adapters == ["poll/clerk": 22, "quiz/oidc": 2])
        #expect(all.upstreamErrors == ["poll/clerk": 5])
        #expect(all.exchanges == 24)
        #expect(all.queueDepth == 5)
        let p50 = try #require(all.p50)
        let p99 = try #require(all.p99)
        #expect(abs(p50 - (0.005 + 0.005 * 10 / 60)) < 1e-12, "rank 50 is the 10th of 60 in (5 ms, 10 ms]")
        #expect(abs(p99 - (0.005 + 0.005 * 59 / 60)) < 1e-12)

        let quiz = MetricsHistory.point(from: start, to: end, app: "quiz")
        #expect(quiz.results == ["ok": 2])
        #expect(quiz.adapters == ["oidc": 2])
        #expect(quiz.upstreamErrors.isEmpty)
        #expect(quiz.p50 == nil && quiz.p99 == nil, "no latency recorded for quiz")

        #expect(MetricsHistory.quantile(0.5, buckets: Self.buckets([:])) == nil)
        #expect(MetricsHistory.quantile(0.99, buckets: Self.buckets([ExchangeMetrics.buckets.count: 3])) == ExchangeMetrics.buckets.last)
        let first = try #require(MetricsHistory.quantile(0.5, buckets: Self.buckets([0: 4])))
        #expect(abs(first - 0.00005) < 1e-15, "the first bucket starts at 0")
    }

    @Test("Sampling keeps an hour of readings; the points end with the partial minute read on demand")
    func sampling() async throws {
        let metrics = ExchangeMetrics()
        let history = MetricsHistory(metrics: metrics, queueDepth: { 2 })
        let t0: Int64 = 1_800_000_000
        await history.sample(at: t0)
        metrics.recordExchange(app: "poll", provider: "clerk", outcome: "success", duration: .milliseconds(3))
        metrics.recordExchange(app: "poll", provider: "clerk", outcome: "user_disabled", duration: .milliseconds(1))
        await history.sample(at: t0 + 60)
        metrics.recordExchange(app: "poll", provider: "clerk", outcome: "success", duration: .milliseconds(3))
        let points = await history.points(app: nil, at: t0 + 90)
        #expect(points.map(\.from) == [t0, t0 + 60])
        #expect(points.map(\.at) == [t0 + 60, t0 + 90])
        #expect(points.map(\.results) == [["ok": 1, "refused": 1], ["ok": 1]])
        #expect(points.allSatisfy { $0.queueDepth == 2 })

        for minute in 2...80 { await history.sample(at: t0 + Int64(minute) * 60) }
        let hour = await history.points(app: "poll", at: t0 + 80 * 60 + 30)
        #expect(hour.count == 60, "the minutes that started within the hour, then the current one")
        #expect(hour.first?.from == t0 + 21 * 60)
        #expect(hour.allSatisfy { $0.exchanges == 0 })
    }

    // MARK: Overview page

    @Test("An exchange through the router shows in the overview and the admin API after the next sample")
    func overview() async throws {
        try await TestService.run { service in
            let history = service.application.services.metricsHistory
            let token = try await service.adminToken()
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            let empty = try await browser.get("/console/overview")
            #expect(empty.status == 200)
            #expect(empty.body.contains("No exchanges in the last hour"))
            #expect(empty.body.contains("href=\"/console/overview\" aria-current=\"page\""), "in the navigation")

            let clock = service.application.services.clock
            await history.sample(at: clock.now)
            #expect(try await service.exchange(initData: try service.signedInitData()).status == 200)
            service.clock.advance(60)
            await history.sample(at: clock.now)
            service.clock.advance(10)

            let api = try await service.admin(.get, "/overview?app=poll", token: token)
            #expect(api.status == 200)
            let points = api.json["points"]?.arrayElements ?? []
            #expect(points.compactMap { $0["results"]?["ok"]?.integerValue }.reduce(0, +) == 1, "\(api.body)")
            #expect(points.contains { $0["p50"] != nil })

            let page = try await browser.get("/console/overview?app=poll")
            #expect(page.status == 200)
            #expect(!page.body.contains("No exchanges in the last hour"))
            #expect(page.body.contains("<svg role=\"img\""))
            #expect(page.body.contains("Exchanges per minute by result, last 60 minutes: ok 1 in all"))
            #expect(page.body.contains("<caption>Latency (p50, p99), per minute (UTC)</caption>"))
            #expect(page.body.contains("data-refresh=\"/console/overview?app=poll\""))
            #expect(!page.body.contains("style=\"") && !page.body.contains("<script>"))
            let quiz = try await browser.get("/console/overview?app=quiz")
            #expect(quiz.body.contains("No exchanges in the last hour"))
        }
    }

    @Test("A full hour of traffic through several adapters stays within the console's page weight")
    func fullHour() async throws {
        try await TestService.run { service in
            let metrics = service.application.services.metrics
            let history = service.application.services.metricsHistory
            let now = service.application.services.clock.now
            let outcomes = ["success", "success", "signature_invalid", "upstream_unavailable", "internal_error"]
            for minute in 0..<60 {
                for (index, adapter) in ["clerk", "firebase", "logto", "supabase"].enumerated() {
                    for outcome in outcomes.prefix(1 + (minute + index) % outcomes.count) {
                        metrics.recordExchange(
                            app: "poll", provider: adapter, outcome: outcome, duration: .microseconds(300 * (minute + 1)))
                    }
                }
                await history.sample(at: now - 3600 + Int64(minute) * 60)
            }
            let browser = ConsoleBrowserStub(service)
            try await browser.login(try await service.adminToken())
            let page = try await browser.get("/console/overview")
            #expect(page.body.contains("Upstream errors per minute by adapter"))
            #expect(page.body.contains("poll/supabase"))
            let css = try await browser.get("/console/console.css")
            let js = try await browser.get("/console/console.js")
            let weight = page.body.utf8.count + css.body.utf8.count + js.body.utf8.count
            #expect(weight < 150_000, "\(weight) bytes")
        }
    }

    @Test("An app-scoped token's overview is its app's; another app's is refused")
    func overviewScoped() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken(name: "poll-only", app: "poll")
            #expect(try await service.admin(.get, "/overview", token: token).json["app"]?.stringValue == "poll")
            let other = try await service.admin(.get, "/overview?app=quiz", token: token)
            #expect(other.status == 404)
            #expect(other.json["code"]?.stringValue == "app_not_found")
        }
    }

    // MARK: Signing keys

    private static func keys(_ service: TestService, token: String) async throws -> [JSONValue] {
        try await service.admin(.get, "/apps/poll/keys", token: token).json["items"]?.arrayElements ?? []
    }

    private static func jwksKids(_ service: TestService) async throws -> Set<String> {
        let jwks = try await service.request(.get, "/apps/poll/.well-known/jwks.json").json
        return Set(jwks["keys"]?.arrayElements?.compactMap { $0["kid"]?.stringValue } ?? [])
    }

    @Test("The keys page lists the keys; rotating there shows in the admin API and the JWKS; retiring removes a retired key")
    func keysPage() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken(name: "ops")
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            #expect(try await browser.get("/console/apps/poll").body.contains("href=\"/console/apps/poll/keys\""))
            let before = try await Self.keys(service, token: token)
            let page = try await browser.get("/console/apps/poll/keys")
            #expect(page.status == 200)
            for key in before { #expect(page.body.contains(key["kid"]?.stringValue ?? "missing")) }
            #expect(!page.body.contains("\"d\"") && !page.body.contains("sealed"))
            #expect(!page.body.contains("action=\"/console/apps/poll/keys/retire\""), "no retired key yet")

            let unconfirmed = try await browser.post("/console/apps/poll/keys/rotate")
            #expect(unconfirmed.status == 422)
            #expect(unconfirmed.body.contains("id=\"rotate-keys-confirm-error\""))
            #expect(try await Self.keys(service, token: token).map { $0["kid"] } == before.map { $0["kid"] })

            let active = Set(before.filter { $0["state"]?.stringValue == "active" }.compactMap { $0["kid"]?.stringValue })
            let rotated = try await browser.post("/console/apps/poll/keys/rotate", [("confirm", "on")])
            #expect(rotated.header("Location") == "/console/apps/poll/keys?done=rotated")
            let after = try await Self.keys(service, token: token)
            let retired = Set(after.filter { $0["state"]?.stringValue == "retired" }.compactMap { $0["kid"]?.stringValue })
            #expect(retired == active)
            let newActive = Set(after.filter { $0["state"]?.stringValue == "active" }.compactMap { $0["kid"]?.stringValue })
            #expect(try await Self.jwksKids(service).isSuperset(of: newActive.union(retired)))
            let shown = try await browser.get("/console/apps/poll/keys?done=rotated")
            #expect(shown.body.contains("The keys were rotated"))
            #expect(shown.body.contains("action=\"/console/apps/poll/keys/retire\""))

            let stillActive = try #require(newActive.first)
            let refused = try await browser.post("/console/apps/poll/keys/retire", [("kid", stillActive)])
            #expect(refused.status == 409)
            #expect(refused.body.contains("signing_key_in_use"))
            #expect(refused.body.contains("id=\"retire-key-kid-error\""), "the error sits next to the kid")
            #expect(try await Self.jwksKids(service).contains(stillActive))
            let unknown = try await browser.post("/console/apps/poll/keys/retire", [("kid", "no-such-kid")])
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("signing_key_not_found"))

            let kid = try #require(retired.first)
            let done = try await browser.post("/console/apps/poll/keys/retire", [("kid", kid)])
            #expect(done.header("Location") == "/console/apps/poll/keys?done=retired")
            #expect(try await Self.keys(service, token: token).contains { $0["kid"]?.stringValue == kid } == false)
            #expect(try await Self.jwksKids(service).contains(kid) == false)
            #expect(try await browser.get("/console/apps/poll/keys").body.contains(kid) == false)

            let audit = try await service.admin(.get, "/audit?app=poll&actor=admin:ops", token: token)
            let actions = audit.json["items"]?.arrayElements?.compactMap { $0["action"]?.stringValue } ?? []
            #expect(actions.prefix(2) == ["keys.retired", "keys.rotated"], "\(actions)")
        }
    }

    @Test("Key forms without the CSRF token or from another origin are refused and change nothing")
    func keysCSRF() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            _ = try await service.admin(.post, "/apps/poll/keys/rotate", body: .object([]), token: token)
            let before = try await Self.keys(service, token: token)
            let retired = try #require(before.first { $0["state"]?.stringValue == "retired" }?["kid"]?.stringValue)
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            _ = try await browser.get("/console/apps/poll/keys")
            let missing = try await browser.post("/console/apps/poll/keys/rotate", [("confirm", "on")], csrf: false)
            #expect(missing.status == 403)
            #expect(missing.body.contains("csrf_mismatch"))
            let foreign = try await browser.post("/console/apps/poll/keys/retire", [("kid", retired)], origin: "https://evil.example")
            #expect(foreign.status == 403)
            let noToken = try await browser.post("/console/apps/poll/keys/retire", [("kid", retired)], csrf: false)
            #expect(noToken.status == 403)
            #expect(try await Self.keys(service, token: token) == before)
        }
    }

    @Test("A read-only token sees the keys page and the overview without forms, and cannot rotate")
    func readOnly() async throws {
        try await TestService.run { service in
            let browser = ConsoleBrowserStub(service)
            try await browser.login(try await service.adminToken(name: "viewer", readOnly: true))
            for path in ["/console/apps/poll/keys", "/console/overview"] {
                let page = try await browser.get(path)
                #expect(page.status == 200, "\(path)")
                #expect(ConsoleTests.postActions(page.body) == ["/console/logout"], "\(path)")
            }
            let refused = try await browser.post("/console/apps/poll/keys/rotate", [("confirm", "on")])
            #expect(refused.status == 403)
            #expect(refused.body.contains("admin_forbidden"))
        }
    }

    @Test("Admin API: retiring a retired key ends its publication and is audited; active and next keys are refused")
    func retireAPI() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken(name: "ops")
            _ = try await service.admin(.post, "/apps/poll/keys/rotate", body: .object([]), token: token)
            let keys = try await Self.keys(service, token: token)
            for state in ["active", "next"] {
                let kid = try #require(keys.first { $0["state"]?.stringValue == state }?["kid"]?.stringValue)
                let refused = try await service.admin(.post, "/apps/poll/keys/\(kid)/retire", token: token)
                #expect(refused.status == 409)
                #expect(refused.json["code"]?.stringValue == "signing_key_in_use")
                #expect(refused.json["reason"]?.stringValue == state)
            }
            let kid = try #require(keys.first { $0["state"]?.stringValue == "retired" }?["kid"]?.stringValue)
            let viewer = try await service.adminToken(name: "viewer", readOnly: true)
            #expect(try await service.admin(.post, "/apps/poll/keys/\(kid)/retire", token: viewer).status == 403)
            let retired = try await service.admin(.post, "/apps/poll/keys/\(kid)/retire", token: token)
            #expect(retired.status == 200)
            #expect(retired.json["kid"]?.stringValue == kid)
            #expect(retired.json["retiresAt"]?.integerValue != nil)
            #expect(try await Self.jwksKids(service).contains(kid) == false)
            let again = try await service.admin(.post, "/apps/poll/keys/\(kid)/retire", token: token)
            #expect(again.status == 404)
            #expect(again.json["code"]?.stringValue == "signing_key_not_found")
            let audit = try await service.admin(.get, "/audit?app=poll&action=keys.retired", token: token)
            let event = try #require(audit.json["items"]?.arrayElements?.first)
            #expect(event["target"]?.stringValue == "key:\(kid)")
            #expect(event["actor"]?.stringValue == "admin:ops")
        }
    }
}
