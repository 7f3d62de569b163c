import StrictJSON
import TelegateCore
import Testing

/// The "Login history" section of a user's console page: the events the admin API's `getUserHistory` answers, newest
/// first and escaped, paged by "Older events", with an empty state that says how logins get recorded.
@Suite("Admin console: user history")
struct ConsoleUserHistoryTests {
    static let poll = AppID(rawValue: "poll")!

    /// A `user.login` of `user` at `at`, with `adapter` as its adapter (which no real login would carry unchecked).
    static func login(_ user: String, adapter: String, at: Int64) throws -> OutboxEvent {
        let id = try #require(UserID(rawValue: user))
        return OutboxEvent(
            .userLogin, appID: poll, userID: id, occurredAt: at,
            [("proof", .string("initData")), ("botId", .integer(7_000_000_001)), ("adapter", .string(adapter)), ("client", .null)])
    }

    @Test("The user page lists the history the admin API answers; a console change shows in the API and the reverse")
    func agreement() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken(name: "support")
            let id = try await UserHistoryAdminTests.userWithHistory(service, token: token)
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            let page = try await browser.get("/console/apps/poll/users/\(id)")
            #expect(page.status == 200)
            #expect(page.body.contains("<h2 id=\"history\">Login history</h2>"))
            #expect(page.body.contains("<caption>Events of \(id), newest first</caption>"))
            let api = try await service.admin(.get, "/apps/poll/users/\(id)/history", token: token)
            let events = api.json["items"]?.arrayElements?.compactMap { $0["event"]?.stringValue } ?? []
            #expect(events.count == 3)
            let positions = events.compactMap { page.body.range(of: $0)?.lowerBound }
            #expect(positions.count == 3 && positions == positions.sorted(), "every event, newest first")
            #expect(page.body.contains("proof initData; bot 7000000001; adapter "))
            #expect(!page.body.contains("Older events"), "one page")

            _ = try await browser.post("/console/apps/poll/users/\(id)/enable")
            let after = try await service.admin(.get, "/apps/poll/users/\(id)/history?limit=1", token: token)
            let enabled = try #require(after.json["items"]?.arrayElements?.first)
            #expect(enabled["type"]?.stringValue == "user.enabled")
            #expect(try await browser.get("/console/apps/poll/users/\(id)").body.contains(enabled["event"]?.stringValue ?? "-"))
        }
    }

    @Test("A long history is paged: Older events follows next, and Newest events leads back")
    func paging() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let id = try await UserHistoryAdminTests.userWithHistory(service, token: token)
            for index in 0..<50 {
                let event = try Self.login(id, adapter: "convex", at: service.clock.now + Int64(index))
                #expect(try await service.application.services.storage.events.appendIfSubscribed(event))
            }
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            let first = try await browser.get("/console/apps/poll/users/\(id)")
            let api = try await service.admin(.get, "/apps/poll/users/\(id)/history", token: token)
            let next = try #require(api.json["next"]?.integerValue)
            let older = "/console/apps/poll/users/\(id)?before=\(next)#history"
            #expect(first.body.contains("href=\"\(older)\">Older events</a>"))
            #expect(!first.body.contains("Newest events"))
            let second = try await browser.get("/console/apps/poll/users/\(id)?before=\(next)")
            let rest = try await service.admin(.get, "/apps/poll/users/\(id)/history?before=\(next)", token: token)
            let ids = rest.json["items"]?.arrayElements?.compactMap { $0["event"]?.stringValue } ?? []
            #expect(ids.count == 3)
            #expect(ids.allSatisfy { second.body.contains($0) })
            #expect(second.body.contains("<caption>Older events of \(id)</caption>"))
            #expect(second.body.contains("href=\"/console/apps/poll/users/\(id)#history\">Newest events</a>"))
            #expect(!second.body.contains("Older events</a>"))
            let past = try await browser.get("/console/apps/poll/users/\(id)?before=1")
            #expect(past.body.contains("No older events are kept for this user."))
        }
    }

    @Test("Without kept events the section says how logins get recorded")
    func emptyState() async throws {
        try await TestService.run { service in
            #expect(try await service.exchange(initData: try service.signedInitData()).status == 200)
            let token = try await service.adminToken()
            let id = try #require(
                try await service.admin(.get, "/apps/poll/users", token: token).json["items"]?.arrayElements?.first?["id"]?.stringValue)
            let events = service.application.services.storage.events
            #expect(try await events.pruneSettled(before: service.clock.now + 1, limit: 100) >= 1, "user.created had no delivery")
            let browser = ConsoleBrowserStub(service)
            try await browser.login(token)
            let page = try await browser.get("/console/apps/poll/users/\(id)")
            #expect(page.body.contains("<p class=\"empty\">No events are kept for this user. Logins are recorded while a webhook endpoint of the app subscribes to user.login;"))
            #expect(page.body.contains("server.events.retention"))
        }
    }

    @Test("Event details render escaped, and a read-only token sees the history with no form")
    func escapedAndReadOnly() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let id = try await UserHistoryAdminTests.userWithHistory(service, token: token)
            let hostile = try Self.login(id, adapter: "<img src=x onerror=alert(1)>\"'><script>", at: service.clock.now + 1)
            #expect(try await service.application.services.storage.events.appendIfSubscribed(hostile))
            let browser = ConsoleBrowserStub(service)
            try await browser.login(try await service.adminToken(name: "viewer", readOnly: true))
            let page = try await browser.get("/console/apps/poll/users/\(id)")
            #expect(page.status == 200)
            #expect(page.body.contains(hostile.id.rawValue))
            #expect(!page.body.contains("<img src=x") && !page.body.contains("<script>") && !page.body.contains("\"'>"))
            #expect(page.body.contains("adapter &lt;img src=x onerror=alert(1)&gt;&quot;&#39;&gt;&lt;script&gt;"))
            #expect(ConsoleTests.postActions(page.body) == ["/console/logout"])
        }
    }
}
