import Foundation
import StrictJSON
import TelegateApp
import TelegateCore
import Testing

/// `telegate config apply` and `config export` semantics, on the database of a running service.
@Suite("Configuration apply and export")
struct ConfigurationApplyTests {
    static let environment = [
        "TELEGATE_MASTER_KEY": TestService.masterKey, "POLL_BOT_TOKEN": TestService.pollToken,
        "QUIZ_BOT_TOKEN": TestService.quizToken,
    ]

    static func applier(_ service: TestService) -> ConfigurationApplier {
        let services = service.application.services
        return ConfigurationApplier(
            storage: services.storage,
            rows: ConfigurationRows(box: services.secretBox, registry: services.registry, environment: environment),
            environment: environment)
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

    @Test("--prune removes exactly what the file no longer names; without it nothing is removed")
    func prune() async throws {
        try await TestService.run { service in
            var apps = service.application.configuration.apps
            apps.removeAll { $0.settings.id.rawValue == "quiz" }
            apps[0].adapters.removeAll { $0.name.rawValue == "supabase" }
            apps[0].bots.removeAll { $0.id == 7_342_037_359 }
            let applier = Self.applier(service)
            #expect(try await applier.plan(apps, prune: false).isEmpty)
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
            // The probe secret is not in this environment: its unchanged reference keeps the sealed value.
            #expect(try await Self.applier(service).plan(reparsed.apps, prune: true).isEmpty)
        }
    }
}
