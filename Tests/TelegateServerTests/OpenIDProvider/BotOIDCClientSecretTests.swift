import StrictJSON
import TelegateApp
import TelegateCore
import TelegateTesting
import Testing

/// A bot's Telegram Login client secret: configured by reference, stored sealed, opened into the runtime, and never
/// returned by the admin API or an export.
@Suite("Bot Telegram Login client secret")
struct BotOIDCClientSecretTests {
    static let poll = AppID(rawValue: "poll")!

    @Test("The file's oidc.clientSecret is sealed in the bot row, opened into the runtime, and exported by reference")
    func sealedAndExported() async throws {
        try await TestService.run(configure: { configuration in
            configuration.apps[0].bots[0].oidc.clientSecret = .environment("POLL_OIDC_CLIENT_SECRET")
        }) { service in
            let stored = try #require(try await service.application.services.storage.configuration.app(Self.poll))
            let secret = try #require(stored.bots.first { $0.botID == 7_000_000_001 }?.oidcClientSecret)
            #expect(secret.reference == "env:POLL_OIDC_CLIENT_SECRET")
            #expect(!secret.sealed.contains(TestService.pollOIDCSecret))
            let bot = try service.application.runtimes.app(Self.poll)?.bot(7_000_000_001)
            #expect(bot?.settings.oidcClientSecret == TestService.pollOIDCSecret)
            #expect(try service.application.runtimes.app(Self.poll)?.bot(7_342_037_359).settings.oidcClientSecret == nil)

            let yaml = ConfigurationExport.yaml(
                try await service.application.services.storage.configuration.apps(),
                masterKey: try SecretReference("env:TELEGATE_MASTER_KEY"))
            #expect(yaml.contains("env:POLL_OIDC_CLIENT_SECRET"))
            #expect(!yaml.contains(TestService.pollOIDCSecret))
            let reparsed = try ConfigurationFile.parse(yaml)
            #expect(reparsed.apps.first { $0.settings.id == Self.poll }?.bots.first?.oidc.clientSecret == .environment("POLL_OIDC_CLIENT_SECRET"))
        }
    }

    @Test("The admin API takes oidcClientSecret by reference and shows only hasOIDCClientSecret")
    func adminNeverReturnsIt() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let listed = try await service.admin(.get, "/apps/poll/bots", token: token)
            #expect(listed.json["items"]?.arrayElements?.first?["hasOIDCClientSecret"] == .bool(false))

            let updated = try await service.admin(
                .patch, "/apps/poll/bots/7000000001", body: .object([("oidcClientSecret", .string("env:POLL_OIDC_CLIENT_SECRET"))]),
                token: token)
            #expect(updated.status == 200)
            #expect(updated.json["hasOIDCClientSecret"] == .bool(true))
            #expect(updated.json["oidcClientSecret"] == nil)
            #expect(!updated.body.contains(TestService.pollOIDCSecret))
            let bot = try service.application.runtimes.app(Self.poll)?.bot(7_000_000_001)
            #expect(bot?.settings.oidcClientSecret == TestService.pollOIDCSecret)

            let unresolved = try await service.admin(
                .patch, "/apps/poll/bots/7000000001", body: .object([("oidcClientSecret", .string("env:NOT_SET_ANYWHERE"))]),
                token: token)
            #expect(unresolved.status >= 400)
        }
    }
}
