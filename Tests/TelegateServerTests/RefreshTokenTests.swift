import Crypto
import Foundation
@testable import TelegateApp
import StrictJSON
import TelegateCore
import Testing

/// `POST /v1/apps/{app}/token`: rotation, reuse detection with family revocation, the two-tab grace window.
@Suite("Refresh tokens")
struct RefreshTokenTests {
    private func refresh(_ service: TestService, _ token: String, app: String = "poll", json: Bool = false) async throws -> TestService.Reply {
        if json {
            return try await service.request(
                .post, "/v1/apps/\(app)/token",
                body: JSONValue.object([("grant_type", .string("refresh_token")), ("refresh_token", .string(token))]).serialized)
        }
        return try await service.request(
            .post, "/v1/apps/\(app)/token", body: "grant_type=refresh_token&refresh_token=\(token)",
            contentType: "application/x-www-form-urlencoded")
    }

    @Test("A refresh rotates the token and answers a standard token response (form or JSON)")
    func rotation() async throws {
        try await TestService.run { service in
            let exchange = try await service.exchange(initData: service.signedInitData())
            let first = Credentials(exchange).refreshToken
            let reply = try await refresh(service, first)
            #expect(reply.status == 200)
            #expect(reply.header("Cache-Control") == "no-store")
            let second = try #require(reply.json["refresh_token"]?.stringValue)
            #expect(second != first)
            #expect(reply.json["token_type"]?.stringValue == "Bearer")
            #expect(reply.json["expires_in"]?.integerValue == 900)
            let idToken = try #require(reply.json["id_token"]?.stringValue)
            #expect(try JWT.claims(idToken)["sub"] == exchange.json["user"]?["id"])
            let third = try await refresh(service, second, json: true)
            #expect(third.status == 200)
            service.rememberSecrets(Credentials(exchange).all + [second, idToken] + [third.json["refresh_token"]?.stringValue ?? ""])
        }
    }

    @Test("F4: two tabs refreshing with the same token inside 30 s both succeed with the same successor, which stays valid")
    func graceWindow() async throws {
        try await TestService.run { service in
            let token = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            let tabA = try await refresh(service, token)
            service.clock.advance(10)
            let tabB = try await refresh(service, token)
            #expect(tabA.status == 200 && tabB.status == 200)
            let nextA = try #require(tabA.json["refresh_token"]?.stringValue)
            let nextB = try #require(tabB.json["refresh_token"]?.stringValue)
            #expect(nextA == nextB)
            #expect(tabB.json["id_token"] != nil && tabB.json["access_token"] != nil)
            let later = try await refresh(service, nextA)
            #expect(later.status == 200)
            service.rememberSecrets([token, nextA, later.json["refresh_token"]?.stringValue ?? ""])
        }
    }

    @Test("F3, F5: a third use of a rotated token, even within 30 s, revokes the family")
    func thirdUseRevokes() async throws {
        try await TestService.run { service in
            let token = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            let next = try #require(try await refresh(service, token).json["refresh_token"]?.stringValue)
            service.clock.advance(5)
            #expect(try await refresh(service, token).json["refresh_token"]?.stringValue == next)
            service.clock.advance(5)
            let third = try await refresh(service, token)
            #expect(third.status == 400)
            #expect(third.json["error"]?.stringValue == "invalid_grant")
            #expect(try await refresh(service, next).json["error"]?.stringValue == "invalid_grant")
            let events = try await service.application.services.storage.audit.events(appID: AppID(rawValue: "poll"), before: nil, limit: 10)
            #expect(events.filter { $0.action == "refresh.reuse_detected" }.count == 1)
            service.rememberSecrets([token, next])
        }
    }

    @Test("F4: 20 concurrent uses of one refresh token give at most two successes, both with the same successor; the rest are invalid_grant and the family is revoked")
    func concurrentUses() async throws {
        try await TestService.run { service in
            let first = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            let token = try #require(try await refresh(service, first).json["refresh_token"]?.stringValue)
            service.clock.advance(60)
            let replies = try await withThrowingTaskGroup(of: TestService.Reply.self) { group in
                for index in 0..<20 { group.addTask { try await refresh(service, token, json: index.isMultiple(of: 2)) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let successes = replies.filter { $0.status == 200 }
            #expect((1...2).contains(successes.count), "\(successes.count) successes")
            let successors = Set(successes.compactMap { $0.json["refresh_token"]?.stringValue })
            #expect(successors.count == 1)
            #expect(replies.filter { $0.status == 400 && $0.json["error"]?.stringValue == "invalid_grant" }.count == 20 - successes.count)
            // The replays revoked the session: the successor the two winners received is dead too.
            let successor = try #require(successors.first)
            #expect(try await refresh(service, successor).json["error"]?.stringValue == "invalid_grant")
            let events = try await service.application.services.storage.audit.events(appID: AppID(rawValue: "poll"), before: nil, limit: 50)
            #expect(events.filter { $0.action == "refresh.reuse_detected" }.count == 1)
            service.rememberSecrets([first, token, successor])
        }
    }

    @Test("F3, F5: reusing a rotated token after the grace window revokes the whole family")
    func reuseRevokesFamily() async throws {
        try await TestService.run { service in
            let token = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            let rotated = try await refresh(service, token)
            let current = try #require(rotated.json["refresh_token"]?.stringValue)
            service.clock.advance(31)
            let replay = try await refresh(service, token)
            #expect(replay.status == 400)
            #expect(replay.json["error"]?.stringValue == "invalid_grant")
            // The legitimate holder's token died with the family.
            #expect(try await refresh(service, current).json["error"]?.stringValue == "invalid_grant")
            let events = try await service.application.services.storage.audit.events(appID: AppID(rawValue: "poll"), before: nil, limit: 10)
            #expect(events.contains { $0.action == "refresh.reuse_detected" })
            service.rememberSecrets([token, current])
        }
    }

    @Test("F4: only the immediately previous token gets the grace window; an older one is reuse")
    func olderGenerationIsReuse() async throws {
        try await TestService.run { service in
            let t0 = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            let t1 = try #require(try await refresh(service, t0).json["refresh_token"]?.stringValue)
            let t2 = try #require(try await refresh(service, t1).json["refresh_token"]?.stringValue)
            #expect(try await refresh(service, t0).json["error"]?.stringValue == "invalid_grant")
            #expect(try await refresh(service, t2).json["error"]?.stringValue == "invalid_grant")
            service.rememberSecrets([t0, t1, t2])
        }
    }

    @Test("F2, F6, F7, F8: refresh fails for a disabled user, another app's token, a random token and after expiry")
    func refusals() async throws {
        try await TestService.run { service in
            let exchange = try await service.exchange(initData: service.signedInitData())
            let token = Credentials(exchange).refreshToken
            #expect(try await refresh(service, token, app: "quiz").json["error"]?.stringValue == "invalid_grant")
            #expect(try await refresh(service, "rt_" + String(repeating: "A", count: 43)).json["error"]?.stringValue == "invalid_grant")
            let forged = "rt_" + token.dropFirst(3).prefix(27) + String(repeating: "A", count: 43)
            #expect(try await refresh(service, forged).json["error"]?.stringValue == "invalid_grant")
            let id = try #require(exchange.json["user"]?["id"]?.stringValue.flatMap(UserID.init(rawValue:)))
            _ = try await service.application.services.storage.users.setStatus(id: id, status: .disabled, at: service.clock.now)
            #expect(try await refresh(service, token).json["error"]?.stringValue == "invalid_grant")
            let other = Credentials(try await service.exchange(initData: service.signedInitData(user: .init(id: 77, firstName: "B")))).refreshToken
            service.clock.advance(2_592_001)
            #expect(try await refresh(service, other).json["error"]?.stringValue == "invalid_grant")
            service.rememberSecrets(Credentials(exchange).all + [other])
        }
    }

    @Test("F7: a session ends at refreshTokenAbsoluteTTL however often it rotates")
    func absoluteLifetime() async throws {
        try await TestService.run(configure: { configuration in
            configuration.apps[0].adapters[0].config = .object([
                ("audience", .string("convex")), ("refreshTokenTTL", .integer(3600)), ("refreshTokenAbsoluteTTL", .integer(7200)),
            ])
        }) { service in
            let exchange = try await service.exchange(initData: service.signedInitData())
            var token = Credentials(exchange).refreshToken
            service.rememberSecrets(Credentials(exchange).all)
            for _ in 0..<2 {
                service.clock.advance(3000)
                let reply = try await refresh(service, token)
                #expect(reply.status == 200, "\(reply.body)")
                token = try #require(reply.json["refresh_token"]?.stringValue)
                service.rememberSecrets(["access_token", "id_token", "refresh_token"].compactMap { reply.json[$0]?.stringValue })
            }
            // 6,000 s in, the last token was issued with 3,600 s to live, but the session ends at 7,200 s.
            service.clock.advance(1300)
            let ended = try await refresh(service, token)
            #expect(ended.status == 400)
            #expect(ended.json["error"]?.stringValue == "invalid_grant")
        }
    }

    @Test("The pruner deletes expired families and keeps live ones")
    func pruning() async throws {
        try await TestService.run { service in
            let first = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            let old = try #require(try await refresh(service, first).json["refresh_token"]?.stringValue)
            service.clock.advance(2_592_001)
            let fresh = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            let live = try #require(try await refresh(service, fresh).json["refresh_token"]?.stringValue)
            let store = service.application.services.storage.refreshTokens
            #expect(try await store.token(familyID: Self.familyID(old), hash: Self.hash(old)) != nil)
            await service.application.pruner.prune()
            #expect(try await store.token(familyID: Self.familyID(old), hash: Self.hash(old)) == nil)
            #expect(try await store.token(familyID: Self.familyID(live), hash: Self.hash(live)) != nil)
            #expect(try await refresh(service, live).status == 200)
            service.rememberSecrets([first, old, fresh, live])
        }
    }

    @Test("An exchange stores no refresh token; its first use stores the family, spent, with the successor")
    func firstTokenIsNotStored() async throws {
        try await TestService.run { service in
            let first = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            let store = service.application.services.storage.refreshTokens
            #expect(try await store.token(familyID: Self.familyID(first), hash: Self.hash(first)) == nil)
            let next = try #require(try await refresh(service, first).json["refresh_token"]?.stringValue)
            #expect(Self.familyID(next) == Self.familyID(first))
            let spent = try #require(try await store.token(familyID: Self.familyID(first), hash: Self.hash(first)))
            #expect(spent.token.state == .rotated && spent.token.generation == 0)
            #expect(try await store.token(familyID: Self.familyID(next), hash: Self.hash(next))?.token.state == .active)
            service.rememberSecrets([first, next])
        }
    }

    @Test("F4: two tabs using a fresh exchange's token at the same moment both succeed with the same successor, in one family")
    func concurrentFirstUse() async throws {
        try await TestService.run { service in
            let first = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            let replies = try await withThrowingTaskGroup(of: TestService.Reply.self) { group in
                for _ in 0..<2 { group.addTask { try await refresh(service, first) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.map(\.status) == [200, 200])
            let next = replies.compactMap { $0.json["refresh_token"]?.stringValue }
            #expect(next.count == 2 && Set(next).count == 1)
            #expect(next.allSatisfy { Self.familyID($0) == Self.familyID(first) })
            let store = service.application.services.storage.refreshTokens
            let spent = try #require(try await store.token(familyID: Self.familyID(first), hash: Self.hash(first)))
            #expect(spent.token.state == .rotated && spent.token.graceUsed)
            #expect(try await store.token(familyID: Self.familyID(next[0]), hash: Self.hash(next[0]))?.token.generation == 1)
            #expect(try await refresh(service, next[0]).status == 200)
            service.rememberSecrets([first] + next)
        }
    }

    @Test("A first token altered, or moved to another family, is refused")
    func tamperedFirstToken() async throws {
        try await TestService.run { service in
            let first = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            var bytes = Array(first.utf8)
            bytes[bytes.count - 10] = bytes[bytes.count - 10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(try await refresh(service, String(decoding: bytes, as: UTF8.self)).json["error"]?.stringValue == "invalid_grant")
            let other = Credentials(try await service.exchange(initData: service.signedInitData(user: .init(id: 77, firstName: "B")))).refreshToken
            let moved = "rt_" + Self.familyID(other) + first.dropFirst(29)
            #expect(try await refresh(service, moved).json["error"]?.stringValue == "invalid_grant")
            #expect(try await refresh(service, first).status == 200)
            service.rememberSecrets([first, other])
        }
    }

    @Test("J5: ending a user's sessions also ends first tokens never used; a later sign-in works")
    func sessionsRevoked() async throws {
        try await TestService.run { service in
            let exchange = try await service.exchange(initData: service.signedInitData())
            let unused = Credentials(exchange).refreshToken
            let id = try #require(exchange.json["user"]?["id"]?.stringValue.flatMap(UserID.init(rawValue:)))
            _ = try await service.application.services.storage.refreshTokens.revokeFamilies(
                userID: id, reason: "admin", at: service.clock.now)
            #expect(try await refresh(service, unused).json["error"]?.stringValue == "invalid_grant")
            service.clock.advance(1)
            let later = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            #expect(try await refresh(service, later).status == 200)
            service.rememberSecrets([unused, later])
        }
    }

    private static func familyID(_ token: String) -> String { String(token.dropFirst(3).prefix(26)) }
    private static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Array(token.utf8))) }

    @Test("Malformed token requests get OAuth errors", arguments: [
        ("grant_type=password&username=a", "unsupported_grant_type"), ("refresh_token=x", "invalid_request"),
        ("grant_type=refresh_token", "invalid_request"), ("grant_type=refresh_token&refresh_token=a&refresh_token=b", "invalid_request"),
    ])
    func malformed(_ body: String, _ error: String) async throws {
        try await TestService.run { service in
            let reply = try await service.request(.post, "/v1/apps/poll/token", body: body, contentType: "application/x-www-form-urlencoded")
            #expect(reply.status == 400)
            #expect(reply.json["error"]?.stringValue == error)
        }
    }
}
