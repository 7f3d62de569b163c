import Foundation
import StrictJSON
import TelegateCore
import TelegramAuth
import Testing

/// The admin user list: pages with an opaque cursor, searches, and the one rendering of a user with its last login.
@Suite("Admin user list")
struct UserListTests {
    /// Creates `count` users through exchanges, a second apart, and returns an admin token.
    private func seed(_ service: TestService, count: Int) async throws -> String {
        for index in 0..<count {
            let user = TelegramUser(id: 1_000 + Int64(index), firstName: "User \(index)", username: "user\(index)")
            #expect(try await service.exchange(initData: service.signedInitData(user: user)).status == 200)
            service.clock.advance(1)
        }
        return try await service.adminToken()
    }

    @Test("GET /apps/{app}/users pages newest first with nextCursor until the last page, which has none")
    func paging() async throws {
        try await TestService.run { service in
            let token = try await seed(service, count: 7)
            var ids: [Int64] = []
            var cursor: String?
            var pages = 0
            repeat {
                let path = "/apps/poll/users?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let reply = try await service.admin(.get, path, token: token)
                #expect(reply.status == 200)
                ids += (reply.json["items"]?.arrayElements ?? []).compactMap { $0["telegramId"]?.integerValue }
                cursor = reply.json["nextCursor"]?.stringValue
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(ids == (0..<7).reversed().map { 1_000 + Int64($0) })
        }
    }

    @Test("q finds a user by local id, Telegram id or username; a made-up cursor is 400 invalid_request")
    func search() async throws {
        try await TestService.run { service in
            let token = try await seed(service, count: 3)
            let all = try await service.admin(.get, "/apps/poll/users", token: token).json["items"]?.arrayElements ?? []
            #expect(all.count == 3)
            #expect(try await service.admin(.get, "/apps/poll/users", token: token).json["nextCursor"] == nil)
            let localID = try #require(all.last?["id"]?.stringValue)
            for query in [localID, "1000", "@USER0", "user0"] {
                let found = try await service.admin(.get, "/apps/poll/users?q=\(query)", token: token).json["items"]
                #expect(found?.arrayElements?.map { $0["telegramId"]?.integerValue } == [1_000], "\(query)")
            }
            let refused = try await service.admin(.get, "/apps/poll/users?cursor=bm90LWEtY3Vyc29y", token: token)
            #expect(refused.status == 400)
            #expect(refused.json["code"]?.stringValue == "invalid_request")
            #expect(refused.json["reason"]?.stringValue == "invalid_cursor")
        }
    }

    @Test("The exchange and the admin API render a user alike: languageCode, allowsWriteToPm, lastLoginAt, lastProof")
    func rendering() async throws {
        try await TestService.run { service in
            let exchanged = try await service.exchange(initData: service.signedInitData())
            let user = try #require(exchanged.json["user"])
            #expect(user["languageCode"]?.stringValue == "ru")
            #expect(user["allowsWriteToPm"] == .bool(true))
            #expect(user["lastLoginAt"]?.integerValue == service.clock.now)
            #expect(user["lastProof"]?.stringValue == "initData")
            let token = try await service.adminToken()
            let id = try #require(user["id"]?.stringValue)
            let fromAdmin = try await service.admin(.get, "/apps/poll/users/\(id)", token: token).json
            for member in user.objectMembers ?? [] where member.key != "created" {
                #expect(fromAdmin[member.key] == member.value, "\(member.key)")
            }
        }
    }

    @Test("The OpenAPI document describes the user list's cursor and the user's members")
    func openAPI() async throws {
        try await TestService.run { service in
            let document = try await service.request(.get, "/admin/v1/openapi.json").json
            let list = document["paths"]?["/admin/v1/apps/{app}/users"]?["get"]
            let parameters = list?["parameters"]?.arrayElements?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(parameters.contains("cursor") && parameters.contains("limit") && parameters.contains("q"))
            let page = list?["responses"]?["200"]?["content"]?["application/json"]?["schema"]
            #expect(page?["properties"]?["nextCursor"] != nil)
            let user = page?["properties"]?["items"]?["items"]?["properties"]
            for member in ["lastLoginAt", "lastProof", "languageCode", "allowsWriteToPm"] {
                #expect(user?[member] != nil, "\(member)")
            }
        }
    }
}
