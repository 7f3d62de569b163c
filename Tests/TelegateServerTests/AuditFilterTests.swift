import StrictJSON
import TelegateCore
import Testing

/// `GET /admin/v1/audit` with `actor` and `action`: only matching events, newest first, paged with `next`.
@Suite("Audit log filters")
struct AuditFilterTests {
    @Test("actor and action keep only matching events; a page stops at limit with next, the last page has none")
    func filters() async throws {
        try await TestService.run { service in
            let alice = try await service.adminToken(name: "alice")
            let bob = try await service.adminToken(name: "bob")
            for (index, token) in [alice, bob, alice, bob, alice].enumerated() {
                let reply = try await service.admin(.post, "/apps", body: .object([("id", .string("app\(index)"))]), token: token)
                #expect(reply.status == 201)
            }
            func targets(_ reply: TestService.Reply) -> [String] {
                reply.json["items"]?.arrayElements?.compactMap { $0["target"]?.stringValue } ?? []
            }
            let first = try await service.admin(.get, "/audit?actor=admin:alice&limit=2", token: bob)
            #expect(targets(first) == ["app:app4", "app:app2"])
            let next = try #require(first.json["next"]?.integerValue)
            let second = try await service.admin(.get, "/audit?actor=admin:alice&limit=2&before=\(next)", token: bob)
            #expect(targets(second) == ["app:app0"])
            #expect(second.json["next"] == nil)
            let both = try await service.admin(.get, "/audit?actor=admin:bob&action=app.created", token: alice)
            #expect(targets(both) == ["app:app3", "app:app1"])
            let none = try await service.admin(.get, "/audit?action=no.such.action", token: alice)
            #expect(targets(none).isEmpty && none.json["next"] == nil)
        }
    }
}
