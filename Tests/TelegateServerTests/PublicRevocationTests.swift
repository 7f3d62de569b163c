import Foundation
import StrictJSON
import TelegateCore
import Testing

/// `POST /v1/apps/{app}/revoke`: a public client (the browser SDK's signOut) ends its exchange session with the
/// refresh token as proof (RFC 7009 §2.1), whichever token of the family it holds.
@Suite("Public revocation of exchange sessions")
struct PublicRevocationTests {
    private func refresh(_ service: TestService, _ token: String) async throws -> TestService.Reply {
        try await service.request(
            .post, "/v1/apps/poll/token", body: "grant_type=refresh_token&refresh_token=\(token)",
            contentType: "application/x-www-form-urlencoded")
    }

    private func revoke(_ service: TestService, _ token: String, app: String = "poll") async throws -> TestService.Reply {
        try await service.request(
            .post, "/v1/apps/\(app)/revoke", body: "token=\(token)&token_type_hint=refresh_token",
            contentType: "application/x-www-form-urlencoded")
    }

    @Test("Revoking the first refresh token, never used, ends the family: the token is then refused; audited once")
    func firstToken() async throws {
        try await TestService.run { service in
            let exchange = try await service.exchange(initData: service.signedInitData())
            let token = Credentials(exchange).refreshToken
            service.rememberSecrets(Credentials(exchange).all)
            let answer = try await revoke(service, token)
            #expect(answer.status == 200)
            #expect(answer.body.isEmpty)
            #expect(answer.header("Cache-Control") == "no-store")
            let refused = try await refresh(service, token)
            #expect(refused.status == 400)
            #expect(refused.json["error"]?.stringValue == "invalid_grant")
            #expect(try await revoke(service, token).status == 200)
            let events = try await service.application.services.storage.audit.events(appID: AppID(rawValue: "poll"), before: nil, limit: 10)
            #expect(events.filter { $0.action == "refresh.family_revoked" }.count == 1)
        }
    }

    @Test("After rotations, the current token (or a rotated one, as JSON) revokes the whole family")
    func rotatedFamily() async throws {
        try await TestService.run { service in
            let exchange = try await service.exchange(initData: service.signedInitData())
            let first = Credentials(exchange).refreshToken
            let second = try #require(try await refresh(service, first).json["refresh_token"]?.stringValue)
            let third = try #require(try await refresh(service, second).json["refresh_token"]?.stringValue)
            service.rememberSecrets(Credentials(exchange).all + [second, third])
            #expect(try await revoke(service, third).status == 200)
            #expect(try await refresh(service, third).json["error"]?.stringValue == "invalid_grant")

            let other = Credentials(try await service.exchange(initData: service.signedInitData()))
            service.rememberSecrets(other.all)
            let next = try #require(try await refresh(service, other.refreshToken).json["refresh_token"]?.stringValue)
            service.rememberSecrets([next])
            let json = try await service.request(
                .post, "/v1/apps/poll/revoke", body: JSONValue.object([("token", .string(other.refreshToken))]).serialized)
            #expect(json.status == 200)
            #expect(try await refresh(service, next).json["error"]?.stringValue == "invalid_grant")
        }
    }

    @Test("Unknown tokens and another app's token are answered 200 and change nothing; a missing token is invalid_request")
    func nothingToRevoke() async throws {
        try await TestService.run { service in
            let exchange = try await service.exchange(initData: service.signedInitData())
            let token = Credentials(exchange).refreshToken
            service.rememberSecrets(Credentials(exchange).all)
            #expect(try await revoke(service, "rt_garbage").status == 200)
            #expect(try await revoke(service, token, app: "quiz").status == 200)
            #expect(try await revoke(service, Credentials(exchange).accessToken).status == 200)
            #expect(try await refresh(service, token).status == 200)
            let missing = try await service.request(.post, "/v1/apps/poll/revoke", body: "", contentType: "application/x-www-form-urlencoded")
            #expect(missing.status == 400)
            #expect(missing.json["error"]?.stringValue == "invalid_request")
            #expect(try await service.request(.post, "/v1/apps/nope/revoke", body: "token=x", contentType: "application/x-www-form-urlencoded").status == 404)
            let events = try await service.application.services.storage.audit.events(appID: AppID(rawValue: "poll"), before: nil, limit: 10)
            #expect(events.allSatisfy { $0.action != "refresh.family_revoked" })
        }
    }
}
