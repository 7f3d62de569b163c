import StrictJSON
import TelegateCore
import Testing

/// `GET /admin/v1/apps/{app}/users/{user}/history`: the user's events the outbox keeps, newest first, paged by
/// `before`/`next`, with only the details that say how each happened; the same app scoping as `GET /users/{user}`.
@Suite("Admin API: user history")
struct UserHistoryAdminTests {
    /// Signs the sample user in, subscribes an endpoint to `user.login`, signs them in again and disables them; the
    /// user's id.
    static func userWithHistory(_ service: TestService, token: String) async throws -> String {
        #expect(try await service.exchange(initData: try service.signedInitData()).status == 200)
        let endpoint = JSONValue.object([
            ("url", .string("https://site.example/hooks/telegate")), ("events", .array([.string("user.login")])),
        ])
        let added = try await service.admin(.post, "/apps/poll/webhooks", body: endpoint, token: token)
        #expect(added.status == 201, "\(added.body)")
        service.rememberSecrets([added.json["secret"]?.stringValue ?? ""])
        service.clock.advance(60)
        #expect(try await service.exchange(initData: try service.signedInitData()).status == 200)
        let users = try await service.admin(.get, "/apps/poll/users", token: token)
        let id = try #require(users.json["items"]?.arrayElements?.first?["id"]?.stringValue)
        service.clock.advance(60)
        #expect(try await service.admin(.post, "/apps/poll/users/\(id)/disable", token: token).status == 200)
        return id
    }

    @Test("After a first login, a subscribed login and a disable the history lists them newest first, without the profile")
    func history() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let id = try await Self.userWithHistory(service, token: token)
            let reply = try await service.admin(.get, "/apps/poll/users/\(id)/history", token: token)
            #expect(reply.status == 200, "\(reply.body)")
            let items = try #require(reply.json["items"]?.arrayElements)
            #expect(items.compactMap { $0["type"]?.stringValue } == ["user.disabled", "user.login", "user.created"])
            #expect(items.compactMap { $0["occurredAt"]?.integerValue } == [service.clock.now, service.clock.now - 60, service.clock.now - 120])
            #expect(items.allSatisfy { $0["event"]?.stringValue?.hasPrefix("evt_") == true })
            #expect(reply.json["next"] == nil)
            let login = try #require(items[1]["details"])
            #expect(login["proof"]?.stringValue == "initData")
            #expect(login["botId"]?.integerValue == 7_000_000_001)
            #expect(login["adapter"]?.stringValue?.isEmpty == false)
            #expect(login["client"] == nil, "a null member is left out")
            #expect(items[0]["details"] == .object([]))
            #expect(items[2]["details"] == .object([]), "user.created's profile is not repeated")
            #expect(!reply.body.contains("Vladislav") && !reply.body.contains("vdkfrost"))

            let stored = try await service.application.services.storage.events.events(
                appID: AppID(rawValue: "poll")!, after: nil, limit: 100
            ).filter { $0.userID?.rawValue == id }
            #expect(items.compactMap { $0["event"]?.stringValue } == stored.reversed().map(\.id.rawValue))
        }
    }

    @Test("A history is paged by before and next")
    func paging() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let id = try await Self.userWithHistory(service, token: token)
            let first = try await service.admin(.get, "/apps/poll/users/\(id)/history?limit=2", token: token)
            #expect(first.json["items"]?.arrayElements?.compactMap { $0["type"]?.stringValue } == ["user.disabled", "user.login"])
            let next = try #require(first.json["next"]?.integerValue)
            #expect(first.json["items"]?.arrayElements?.last?["seq"]?.integerValue == next)
            let second = try await service.admin(.get, "/apps/poll/users/\(id)/history?limit=2&before=\(next)", token: token)
            #expect(second.json["items"]?.arrayElements?.compactMap { $0["type"]?.stringValue } == ["user.created"])
            #expect(second.json["next"] == nil)
        }
    }

    @Test("An unknown user is 404 user_not_found; another app's scoped token gets 404 app_not_found; read-only and own-app tokens read it")
    func access() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let id = try await Self.userWithHistory(service, token: token)
            let unknown = UserID.generate(milliseconds: UInt64(service.clock.now) * 1000)
            for path in ["/apps/poll/users/\(unknown)/history", "/apps/poll/users/nobody/history", "/apps/quiz/users/\(id)/history"] {
                let reply = try await service.admin(.get, path, token: token)
                #expect(reply.status == 404, "\(path)")
                #expect(reply.json["code"]?.stringValue == "user_not_found", "\(path)")
            }
            let quiz = try await service.adminToken(app: "quiz")
            let refused = try await service.admin(.get, "/apps/poll/users/\(id)/history", token: quiz)
            #expect(refused.status == 404)
            #expect(refused.json["code"]?.stringValue == "app_not_found")
            #expect(refused.json["items"] == nil)
            for reader in [try await service.adminToken(app: "poll", readOnly: true), try await service.adminToken(readOnly: true)] {
                let reply = try await service.admin(.get, "/apps/poll/users/\(id)/history", token: reader)
                #expect(reply.status == 200)
                #expect(reply.json["items"]?.arrayElements?.count == 3)
            }
        }
    }
}
