import Foundation
import StrictJSON
import TelegateCore
import TelegateTesting
import TelegramAuth
import Testing

/// The exchange over real HTTP: each proof kind and bot mode, and the identity mapping rules.
@Suite("Exchange over HTTP")
struct ExchangeTests {
    @Test("initData signed with the bot token exchanges for a user and oidc credentials")
    func initDataHMAC() async throws {
        try await TestService.run { service in
            let reply = try await service.exchange(initData: service.signedInitData())
            #expect(reply.status == 200)
            let user = reply.json["user"]
            #expect(user?["id"]?.stringValue?.hasPrefix("usr_") == true)
            #expect(user?["telegramId"]?.integerValue == TestService.sampleUser.id)
            #expect(user?["username"]?.stringValue == "vdkfrost")
            #expect(user?["isPremium"] == .bool(true))
            #expect(user?["created"] == .bool(true))
            #expect(reply.json["provider"]?.stringValue == "convex")
            let credential = reply.json["credential"]
            #expect(credential?["type"]?.stringValue == "oidc")
            #expect(credential?["tokenType"]?.stringValue == "Bearer")
            #expect(credential?["expiresIn"]?.integerValue == 900)
            #expect(credential?["refreshToken"]?.stringValue?.hasPrefix("rt_") == true)
            #expect(reply.header("Cache-Control") == "no-store")
            #expect(reply.header("X-Request-Id")?.isEmpty == false)
            service.rememberSecrets(Credentials(reply).all)
        }
    }

    @Test("Authorization: tma <initData> with no body exchanges too")
    func tmaHeader() async throws {
        try await TestService.run { service in
            let reply = try await service.request(.post, "/v1/apps/poll/exchange", headers: [("Authorization", "tma " + service.signedInitData())])
            #expect(reply.status == 200)
            service.rememberSecrets(Credentials(reply).all)
        }
    }

    @Test("Telegram-signed initData exchanges at a bot configured with only its id (Ed25519)")
    func initDataEd25519() async throws {
        let vector = TelegramVectors.realEd25519
        try await TestService.run(clock: TestClock(vector.authDate + 30)) { service in
            let reply = try await service.request(
                .post, "/v1/apps/poll/bots/7342037359/exchange", body: JSONValue.object([("initData", .string(vector.initData))]).serialized)
            #expect(reply.status == 200)
            #expect(reply.json["user"]?["telegramId"]?.integerValue == 279_058_397)
            service.rememberSecrets(Credentials(reply).all)
        }
    }

    @Test("Login Widget data exchanges in all three shapes")
    func widget() async throws {
        try await TestService.run { service in
            let signer = WidgetSigner(botToken: TestService.pollToken)
            let user = TelegramUser(id: 555, firstName: "Widget", username: "widget_user")
            let query = try signer.queryString(user: user, authDate: service.clock.now)
            let tgAuthResult = try signer.tgAuthResult(user: user, authDate: service.clock.now)
            var object: [(key: String, value: JSONValue)] = []
            for field in try signer.sign(user: user, authDate: service.clock.now) {
                object.append((field.key, field.key == "id" || field.key == "auth_date" ? .number(field.value) : .string(field.value)))
            }
            for widget in [JSONValue.string(query), .string(tgAuthResult), .object(object)] {
                let reply = try await service.request(.post, "/v1/apps/poll/exchange", body: JSONValue.object([("widget", widget)]).serialized)
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.json["user"]?["telegramId"]?.integerValue == 555)
                service.rememberSecrets(Credentials(reply).all)
            }
        }
    }

    @Test("A Telegram Login id_token exchanges, checked against Telegram's keys, with its nonce")
    func idToken() async throws {
        try await TestService.run { service in
            let token = try service.telegram.idToken(botID: 7_000_000_001, user: TestService.sampleUser, now: service.clock.now, nonce: "n-1")
            service.rememberSecrets([token])
            let reply = try await service.request(
                .post, "/v1/apps/poll/exchange", body: JSONValue.object([("idToken", .string(token)), ("nonce", .string("n-1"))]).serialized)
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.json["user"]?["telegramId"]?.integerValue == TestService.sampleUser.id)
            let wrongNonce = try await service.request(
                .post, "/v1/apps/poll/exchange", body: JSONValue.object([("idToken", .string(token)), ("nonce", .string("n-2"))]).serialized)
            #expect(wrongNonce.status == 401)
            #expect(wrongNonce.json["code"]?.stringValue == "token_invalid")
            #expect(wrongNonce.json["reason"]?.stringValue == "nonce_mismatch")
            service.rememberSecrets(Credentials(reply).all)
        }
    }

    @Test("J4: initData, the widget and Telegram Login map the same Telegram user to the same local user")
    func oneUserAcrossProofs() async throws {
        try await TestService.run { service in
            let fromInitData = try await service.exchange(initData: service.signedInitData())
            let widget = try WidgetSigner(botToken: TestService.pollToken).queryString(user: TestService.sampleUser, authDate: service.clock.now)
            let fromWidget = try await service.request(.post, "/v1/apps/poll/exchange", body: JSONValue.object([("widget", .string(widget))]).serialized)
            let token = try service.telegram.idToken(botID: 7_000_000_001, user: TestService.sampleUser, now: service.clock.now)
            let fromLogin = try await service.request(.post, "/v1/apps/poll/exchange", body: JSONValue.object([("idToken", .string(token))]).serialized)
            let ids = [fromInitData, fromWidget, fromLogin].map { $0.json["user"]?["id"]?.stringValue }
            #expect(ids[0] != nil && ids.allSatisfy { $0 == ids[0] })
            #expect(fromWidget.json["user"]?["created"] == .bool(false))
            service.rememberSecrets([token] + [fromInitData, fromWidget, fromLogin].flatMap { Credentials($0).all })
        }
    }

    @Test("J1: the same user twice: the same sub, created false; a new username keeps the id and updates the profile")
    func sameUserTwice() async throws {
        try await TestService.run { service in
            let first = try await service.exchange(initData: service.signedInitData())
            let second = try await service.exchange(initData: service.signedInitData())
            #expect(first.json["user"]?["id"] == second.json["user"]?["id"])
            #expect(second.json["user"]?["created"] == .bool(false))
            var renamed = TestService.sampleUser
            renamed.username = "vlad_new"
            renamed.firstName = "Vlad"
            let third = try await service.exchange(initData: service.signedInitData(user: renamed))
            #expect(third.json["user"]?["id"] == first.json["user"]?["id"])
            #expect(third.json["user"]?["username"]?.stringValue == "vlad_new")
            let claims = try JWT.claims(Credentials(third).idToken)
            #expect(claims["sub"] == first.json["user"]?["id"])
            #expect(claims["preferred_username"]?.stringValue == "vlad_new")
            service.rememberSecrets([first, second, third].flatMap { Credentials($0).all })
        }
    }

    @Test("J3: the same Telegram user in two apps is two users")
    func twoApps() async throws {
        try await TestService.run { service in
            let poll = try await service.exchange(initData: service.signedInitData())
            let quiz = try await service.exchange(app: "quiz", initData: service.signedInitData(token: TestService.quizToken))
            #expect(poll.status == 200 && quiz.status == 200)
            #expect(poll.json["user"]?["id"] != quiz.json["user"]?["id"])
            service.rememberSecrets([poll, quiz].flatMap { Credentials($0).all })
        }
    }

    @Test("I1: 50 concurrent first logins of one Telegram user create exactly one user")
    func concurrentFirstLogins() async throws {
        try await TestService.run { service in
            let user = TelegramUser(id: 42_424_242, firstName: "Racer")
            let initData = try service.signedInitData(user: user)
            let replies = try await withThrowingTaskGroup(of: TestService.Reply.self) { group in
                for _ in 0..<50 { group.addTask { try await service.exchange(initData: initData) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == 200 })
            #expect(Set(replies.compactMap { $0.json["user"]?["id"]?.stringValue }).count == 1)
            #expect(replies.filter { $0.json["user"]?["created"] == .bool(true) }.count == 1)
            service.rememberSecrets(replies.flatMap { Credentials($0).all })
        }
    }

    @Test("The provider member picks another adapter of the app; an unknown one is provider_not_found")
    func providerChoice() async throws {
        try await TestService.run { service in
            let reply = try await service.exchange(initData: service.signedInitData(), provider: "supabase")
            #expect(reply.status == 200)
            #expect(reply.json["provider"]?.stringValue == "supabase")
            let access = try JWT.claims(Credentials(reply).accessToken)
            #expect(access["role"]?.stringValue == "authenticated")
            #expect(access["aud"]?.stringValue == service.baseURL + "/apps/poll/api/supabase")
            #expect(try JWT.header(Credentials(reply).accessToken)["alg"]?.stringValue == "ES256")
            let unknown = try await service.exchange(initData: service.signedInitData(), provider: "nope")
            #expect(unknown.status == 404)
            #expect(unknown.json["code"]?.stringValue == "provider_not_found")
            service.rememberSecrets(Credentials(reply).all)
        }
    }

    @Test("J5: a disabled user gets 403 user_disabled")
    func disabledUser() async throws {
        try await TestService.run { service in
            let first = try await service.exchange(initData: service.signedInitData())
            let id = try #require(first.json["user"]?["id"]?.stringValue.flatMap(UserID.init(rawValue:)))
            _ = try await service.application.services.storage.users.setStatus(id: id, status: .disabled, at: service.clock.now)
            let second = try await service.exchange(initData: service.signedInitData())
            #expect(second.status == 403)
            #expect(second.json["code"]?.stringValue == "user_disabled")
            service.rememberSecrets(Credentials(first).all)
        }
    }
}
