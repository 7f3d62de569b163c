import Foundation
import StrictJSON
import TelegateApp
import TelegateCore
import TestSupport
import Testing

/// `telegate config apply` and `config export` semantics, on the database of a running service.
@Suite("Configuration apply and export")
struct ConfigurationApplyTests {
    static let environment = [
        "TELEGATE_MASTER_KEY": TestService.masterKey, "POLL_BOT_TOKEN": TestService.pollToken,
        "QUIZ_BOT_TOKEN": TestService.quizToken,
    ]

    static func applier(_ service: TestService, environment: [String: String] = environment) -> ConfigurationApplier {
        ConfigurationApplier(services: service.application.services, environment: environment)
    }

    @Test("Applying the same file twice changes nothing the second time")
    func idempotent() async throws {
        try await TestService.run { service in
            let storage = service.application.services.storage
            let revision = try await storage.configuration.revision()
            let plan = try await Self.applier(service).apply(service.application.configuration.apps)
            #expect(plan.isEmpty)
            #expect(plan.changes.isEmpty)
            #expect(try await storage.configuration.revision() == revision)
        }
    }

    @Test("The file reconciles: what it declared and no longer names is removed; apps it does not name go only with --prune")
    func prune() async throws {
        try await TestService.run { service in
            var apps = service.application.configuration.apps
            apps.removeAll { $0.settings.id.rawValue == "quiz" }
            apps[0].adapters.removeAll { $0.name.rawValue == "supabase" }
            apps[0].bots.removeAll { $0.id == 7_342_037_359 }
            let applier = Self.applier(service)
            let reconciled = try await applier.plan(apps, prune: false)
            #expect(reconciled.changes.map(\.description).sorted() == ["- adapter poll/supabase", "- bot poll/7342037359"])
            let plan = try await applier.plan(apps, prune: true)
            #expect(
                plan.changes.map(\.description).sorted()
                    == ["- adapter poll/supabase", "- app quiz", "- bot poll/7342037359"])
            try await applier.apply(plan)
            let stored = try await service.application.services.storage.configuration.apps()
            #expect(stored.map(\.settings.id.rawValue) == ["poll"])
            #expect(stored[0].adapters.map(\.name.rawValue) == ["convex"])
            #expect(stored[0].bots.map(\.botID) == [7_000_000_001])
            #expect(try await applier.plan(apps, prune: true).isEmpty)
        }
    }

    @Test("Bots and adapters added through the admin API are kept by a file that does not name them, and go with --prune")
    func keepsAdminAdditions() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let added = try await service.admin(
                .post, "/apps/poll/bots", body: .object([("id", .integer(7_000_000_031)), ("label", .string("partner"))]),
                token: token)
            #expect(added.status == 201, "\(added.body)")
            let applier = Self.applier(service)
            let apps = service.application.configuration.apps
            #expect(try await applier.plan(apps, prune: false).isEmpty)
            #expect(try await applier.plan(apps, prune: true).changes.map(\.description) == ["- bot poll/7000000031"])
        }
    }

    @Test("A22: a new token for the same bot id replaces the sealed keys: still one bot, and only the new token verifies")
    func newTokenSameBot() async throws {
        try await TestService.run { service in
            let storage = service.application.services.storage
            let before = try #require(try await storage.configuration.app(AppID(rawValue: "poll")!))
            let newToken = "7000000001:AAcanaryRotatedPollBotSecret0123456789"
            service.rememberSecrets([newToken])
            var environment = Self.environment
            environment["POLL_BOT_TOKEN"] = newToken
            let plan = try await Self.applier(service, environment: environment).apply(service.application.configuration.apps)
            #expect(plan.changes.map(\.description) == ["~ bot poll/7000000001"])
            try await service.application.reloader.reload()

            let after = try #require(try await storage.configuration.app(AppID(rawValue: "poll")!))
            #expect(after.bots.map(\.botID) == before.bots.map(\.botID))
            #expect(after.bots[0] != before.bots[0])
            let accepted = try await service.exchange(initData: try service.signedInitData(token: newToken))
            #expect(accepted.status == 200, "\(accepted.body)")
            service.rememberSecrets(Credentials(accepted).all)
            let refused = try await service.exchange(initData: try service.signedInitData())
            #expect(refused.json["code"]?.stringValue == "signature_invalid")
        }
    }

    @Test("A token for another bot replaces the bot the file declared: the app keeps one bot, which exchanges by default")
    func tokenForAnotherBot() async throws {
        try await TestService.run { service in
            var apps = service.application.configuration.apps
            apps[0].bots.removeAll { $0.id == 7_342_037_359 }
            apps[0].bots[0].isDefault = false
            let newToken = "7000000009:AAcanaryReplacementBotSecret0123456789"
            service.rememberSecrets([newToken])
            var environment = Self.environment
            environment["POLL_BOT_TOKEN"] = newToken
            let plan = try await Self.applier(service, environment: environment).apply(apps)
            #expect(
                plan.changes.map(\.description).sorted()
                    == ["+ bot poll/7000000009", "- bot poll/7000000001", "- bot poll/7342037359"])
            try await service.application.reloader.reload()
            let stored = try await service.application.services.storage.configuration.app(AppID(rawValue: "poll")!)
            #expect(stored?.bots.map(\.botID) == [7_000_000_009])
            #expect(stored?.warnings == [])
            let reply = try await service.exchange(initData: try service.signedInitData(token: newToken))
            #expect(reply.status == 200, "\(reply.body)")
            service.rememberSecrets(Credentials(reply).all)
        }
    }

    @Test("Two bots with the same id in one app are refused, and nothing is written")
    func duplicateBot() async throws {
        try await TestService.run { service in
            let storage = service.application.services.storage
            let revision = try await storage.configuration.revision()
            var apps = service.application.configuration.apps
            var twin = apps[0].bots[1]
            twin.id = 7_000_000_001
            apps[0].bots.append(twin)
            let error = await #expect(throws: TelegateError.self) { try await Self.applier(service).apply(apps) }
            #expect(error?.code.rawValue == "duplicate_bot")
            #expect(error?.message.contains("app poll lists bot 7000000001 twice") == true)
            #expect(try await storage.configuration.revision() == revision)
        }
    }

    @Test("A file that fails in its last app leaves the database as it was: no app written, none deleted")
    func failingFileChangesNothing() async throws {
        try await TestService.run { service in
            let storage = service.application.services.storage
            let before = try await storage.configuration.apps()
            let revision = try await storage.configuration.revision()
            var apps = service.application.configuration.apps
            apps[0].settings.corsOrigins = ["https://poll.example.com"]
            apps.append(
                try ConfigurationFile.parse(
                    """
                    masterKey: env:TELEGATE_MASTER_KEY
                    apps:
                      - id: shop
                        bots: [{token: env:SHOP_BOT_TOKEN}]
                    """
                ).apps[0])
            let error = await #expect(throws: TelegateError.self) { try await Self.applier(service).apply(apps, prune: true) }
            #expect(error?.code.rawValue == "secret_unresolved")
            #expect(try await storage.configuration.apps() == before)
            #expect(try await storage.configuration.revision() == revision)
        }
    }

    @Test("An app with several bots and none default: a warning names them, and so does the exchange's refusal")
    func severalBotsNoDefault() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let patched = try await service.admin(
                .patch, "/apps/poll/bots/7000000001", body: .object([("default", .bool(false))]), token: token)
            #expect(patched.status == 200, "\(patched.body)")
            let stored = try await service.application.services.storage.configuration.app(AppID(rawValue: "poll")!)
            #expect(
                stored?.warnings == [
                    "app poll has 2 bots (7000000001, 7342037359) and none is marked default: /v1/apps/poll/exchange answers "
                        + "404 bot_not_found; mark one default: true, or name the bot in the URL (/v1/apps/poll/bots/<bot id>/exchange)"
                ])
            let refused = try await service.exchange(initData: try service.signedInitData())
            #expect(refused.status == 404)
            #expect(refused.json["code"]?.stringValue == "bot_not_found")
            #expect(refused.json["detail"]?.stringValue?.contains("2 bots (7000000001, 7342037359)") == true)
            let named = try await service.request(
                .post, "/v1/apps/poll/bots/7000000001/exchange",
                body: JSONValue.object([("initData", .string(try service.signedInitData()))]).serialized)
            #expect(named.status == 200)
            service.rememberSecrets(Credentials(named).all)
        }
    }

    @Test("A database sealed under another master key is named before anything is written; the right key still opens it")
    func masterKeyMismatch() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try TestService.standardConfiguration(port: FreePort.next(), directory: directory)
        let logs = LogCapture()
        let first = try await TelegateApplication.prepare(
            configuration: configuration, environment: Self.environment, logger: logs.logger)
        try await first.shutdown()
        let database = directory + "/telegate.sqlite"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: database))

        var otherKey = Self.environment
        otherKey["TELEGATE_MASTER_KEY"] = MasterKey.generate().base64
        let error = await #expect(throws: TelegateError.self) {
            _ = try await TelegateApplication.prepare(configuration: configuration, environment: otherKey, logger: logs.logger)
        }
        #expect(error?.code.rawValue == "master_key_mismatch")
        #expect(error?.message.hasPrefix("the database at \(database) was sealed with a different master key") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == bytes)
        let log = (try? Data(contentsOf: URL(fileURLWithPath: database + "-wal"))) ?? Data()
        #expect(log.isEmpty)

        let again = try await TelegateApplication.prepare(
            configuration: configuration, environment: Self.environment, logger: logs.logger)
        try await again.shutdown()
    }

    @Test("An export applies back as no change, and names secrets only by reference")
    func exportRoundTrip() async throws {
        try await TestService.run(registry: TestService.adminRegistry) { service in
            let token = try await service.adminToken()
            let apiKey = "sk_export_canary_secret_9999"
            service.rememberSecrets([apiKey])
            let added = try await service.admin(
                .post, "/apps/poll/adapters",
                body: .object([
                    ("name", .string("probe")), ("kind", .string("probe")),
                    ("config", .object(AdminLifecycleTests.probeConfig)), ("secrets", .object([("apiKey", .string(apiKey))])),
                ]), token: token)
            #expect(added.status == 201)
            let apps = try await service.application.services.storage.configuration.apps()
            let yaml = ConfigurationExport.yaml(apps, masterKey: try SecretReference("env:TELEGATE_MASTER_KEY"))
            #expect(!yaml.contains(apiKey))
            #expect(!yaml.contains(TestService.pollToken))
            #expect(yaml.contains("env:POLL_BOT_TOKEN"))
            #expect(yaml.contains("env:TELEGATE_POLL_PROBE_API_KEY"))
            let reparsed = try ConfigurationFile.parse(yaml)
            // The probe secret is not in this environment: its unchanged reference keeps the sealed value. The file
            // now declares the adapter the API added, and changes nothing else.
            let applier = Self.applier(service)
            let plan = try await applier.plan(reparsed.apps, prune: true)
            #expect(plan.changes.map(\.description) == ["~ adapter poll/probe: declared by the file"])
            try await applier.apply(plan)
            #expect(try await applier.plan(reparsed.apps, prune: true).isEmpty)
        }
    }
}
