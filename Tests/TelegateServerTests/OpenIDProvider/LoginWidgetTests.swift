import StrictJSON
import TelegateApp
import TelegateCore
import TelegateTesting
import Testing

/// The Login Widget on the hosted login page: offered, in callback mode, for the app's default bot when its token
/// is configured (the widget's answer is signed with it) and it has a username; the username is set in the file,
/// the admin API and exports like the bot's other settings.
@Suite("Hosted page: Login Widget")
struct LoginWidgetTests {
    static let poll = AppID(rawValue: "poll")!

    /// The login page of app `poll` for the confidential client, under `configure`.
    static func loginPage(configure: @escaping (inout TelegateConfiguration) -> Void, _ body: (String) throws -> Void)
        async throws
    {
        try await TestService.run(configure: configure) { service in
            try await service.installClients()
            let page = try await AuthorizationBrowser(service).authorize(AuthorizationEndpointTests.request())
            #expect(page.status == 200)
            try body(page.body)
        }
    }

    @Test("The default HMAC bot with a username gets the widget in callback mode, beside the redirect for the same bot")
    func offered() async throws {
        try await Self.loginPage(configure: { $0.apps[0].bots[0].username = "Poll_Bot" }) { body in
            let tags = HTMLParse.tags(body)
            let script = try #require(tags.first { $0.attributes["data-telegram-login"] != nil })
            #expect(script.attributes["data-telegram-login"] == "Poll_Bot")
            #expect(script.attributes["src"]?.hasPrefix("https://telegram.org/js/telegram-widget.js") == true)
            #expect(script.attributes["data-auth-url"] == nil)
            let container = try #require(tags.first { $0.attributes["id"] == "telegate-widget" })
            #expect(container.attributes["data-callback"] != nil)
            let redirect = try #require(tags.first { $0.attributes["href"]?.hasPrefix("https://oauth.telegram.org/auth?") == true })
            #expect(redirect.attributes["href"]?.contains("bot_id=7000000001") == true)
        }
    }

    @Test("No widget for a default bot without a username, nor for a default bot given only by id")
    func notOffered() async throws {
        try await Self.loginPage(configure: { _ in }) { body in
            #expect(!body.contains("telegram-widget.js"))
            #expect(!body.contains("data-telegram-login"))
        }
        try await Self.loginPage(configure: { configuration in
            configuration.apps[0].bots[0].isDefault = false
            configuration.apps[0].bots[1].isDefault = true
            configuration.apps[0].bots[1].username = "poll_ed25519_bot"
        }) { body in
            #expect(!body.contains("telegram-widget.js"))
            #expect(!body.contains("poll_ed25519_bot"))
        }
    }

    @Test("The file's username is stored, shown by the admin API and exported, and reads back the same")
    func fileRoundTrip() async throws {
        try await TestService.run(configure: { $0.apps[0].bots[0].username = "poll_bot" }) { service in
            let stored = try #require(try await service.application.services.storage.configuration.app(Self.poll))
            #expect(stored.bots.first { $0.botID == 7_000_000_001 }?.username == "poll_bot")
            let listed = try await service.admin(.get, "/apps/poll/bots", token: try await service.adminToken())
            #expect(listed.json["items"]?.arrayElements?.first?["username"] == .string("poll_bot"))
            let yaml = ConfigurationExport.yaml(
                try await service.application.services.storage.configuration.apps(),
                masterKey: try SecretReference("env:TELEGATE_MASTER_KEY"))
            let reparsed = try ConfigurationFile.parse(yaml)
            #expect(reparsed.apps.first { $0.settings.id == Self.poll }?.bots.first?.username == "poll_bot")
        }
    }

    @Test("The admin API sets a username; a bad one is 422 invalid_field and changes nothing")
    func admin() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let set = try await service.admin(
                .patch, "/apps/poll/bots/7000000001", body: .object([("username", .string("poll_bot"))]), token: token)
            #expect(set.status == 200)
            #expect(set.json["username"] == .string("poll_bot"))
            #expect(try service.application.runtimes.app(Self.poll)?.bot(7_000_000_001).settings.spec.username == "poll_bot")

            for bad in ["@poll_bot", "poll", "poll_bots", "<script>bot", "1poll_bot"] {
                let refused = try await service.admin(
                    .patch, "/apps/poll/bots/7000000001", body: .object([("username", .string(bad))]), token: token)
                #expect(refused.status == 422, "\(bad)")
                #expect(refused.code == "invalid_field", "\(bad)")
            }
            let added = try await service.admin(
                .post, "/apps/poll/bots", body: .object([("id", .integer(7_000_000_009)), ("username", .string("x"))]),
                token: token)
            #expect(added.status == 422 && added.code == "invalid_field")
            let stored = try #require(try await service.application.services.storage.configuration.app(Self.poll))
            #expect(stored.bots.first { $0.botID == 7_000_000_001 }?.username == "poll_bot")
            #expect(!stored.bots.contains { $0.botID == 7_000_000_009 })
        }
    }

    @Test("A bad username in the file is refused with invalid_field at its place")
    func fileRefusal() throws {
        var configuration = try TestService.standardConfiguration(port: nil, directory: "/nonexistent")
        configuration.apps[0].bots[0].username = "poll-bot"
        let refused = #expect(throws: TelegateError.self) { try configuration.apps[0].validate() }
        #expect(refused?.code == .invalidField)
    }
}
