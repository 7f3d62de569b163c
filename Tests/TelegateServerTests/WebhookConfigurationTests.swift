import Foundation
import StrictJSON
import TelegateApp
import TelegateCore
import Testing

/// `webhooks:` in `telegate.yaml`: applied, exported and applied back; rotated by a new value behind the same
/// reference; refused like the admin API refuses.
@Suite("Configuration file: webhooks")
struct WebhookConfigurationTests {
    static let secret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
    static let rotated = "whsec_" + Data(repeating: 9, count: 32).base64EncodedString()

    static func apps(_ service: TestService, webhooks yaml: String) throws -> [AppSpec] {
        var apps = service.application.configuration.apps
        let file = try ConfigurationFile.parse(
            "apps:\n  - id: poll\n    webhooks:\n" + yaml + "\n")
        apps[0].webhooks = file.apps[0].webhooks
        return apps
    }

    /// One endpoint as the file lists it, its secret from `secret` (none when `nil`).
    static func endpoint(
        url: String = "https://site.example/hooks/telegate", secret: String? = "POLL_WEBHOOK_SECRET",
        events: String = "user.created, user.erased"
    ) -> String {
        ["      - url: \(url)", secret.map { "        secret: env:\($0)" }, "        events: [\(events)]",
         "        description: the site's users"].compactMap { $0 }.joined(separator: "\n")
    }

    static let site = endpoint()

    @Test("A file's endpoint applies once, exports by reference, applies back as no change, and rotates on a new value")
    func roundTrip() async throws {
        try await TestService.run { service in
            service.rememberSecrets([Self.secret, Self.rotated])
            var environment = ConfigurationApplyTests.environment
            environment["POLL_WEBHOOK_SECRET"] = Self.secret
            let applier = ConfigurationApplier(services: service.application.services, environment: environment)
            let apps = try Self.apps(service, webhooks: Self.site)
            let plan = try await applier.plan(apps, prune: false)
            #expect(plan.changes.map(\.description) == ["+ webhook poll/https://site.example/hooks/telegate"])
            try await applier.apply(plan)
            #expect(try await applier.plan(apps, prune: false).isEmpty)
            let stored = try #require(try await service.application.services.storage.configuration.app(AppSpec.pollID)?.webhooks.first)
            #expect(stored.events == [.userCreated, .userErased])
            #expect(stored.secret.reference == "env:POLL_WEBHOOK_SECRET")

            let exported = ConfigurationExport.yaml(
                try await service.application.services.storage.configuration.apps(), masterKey: nil)
            #expect(exported.contains("env:POLL_WEBHOOK_SECRET"))
            #expect(!exported.contains(Self.secret))
            let reparsed = try ConfigurationFile.parse(exported)
            #expect(try await applier.plan(reparsed.apps, prune: false).isEmpty)

            environment["POLL_WEBHOOK_SECRET"] = Self.rotated
            let rotating = ConfigurationApplier(services: service.application.services, environment: environment)
            let rotation = try await rotating.plan(apps, prune: false)
            #expect(rotation.changes.map(\.description) == ["~ webhook poll/https://site.example/hooks/telegate: secret"])
            try await rotating.apply(rotation)
            let after = try #require(try await service.application.services.storage.configuration.app(AppSpec.pollID)?.webhooks.first)
            #expect(after.id == stored.id)
            #expect(after.previousSecret?.sealed == stored.secret.sealed)
            #expect(after.previousSecret?.expiresAt == service.clock.now + 86_400)
        }
    }

    @Test("An endpoint added through the admin API is kept by a file that does not name it, and goes with --prune")
    func keepsAdminAdditions() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let added = try await service.admin(
                .post, "/apps/poll/webhooks",
                body: .object([("url", .string("https://api.example/hook")), ("events", .array([.string("user.created")]))]),
                token: token)
            #expect(added.status == 201, "\(added.body)")
            service.rememberSecrets([added.json["secret"]?.stringValue ?? ""])
            let applier = ConfigurationApplyTests.applier(service)
            let apps = service.application.configuration.apps
            #expect(try await applier.plan(apps, prune: false).isEmpty)
            #expect(
                try await applier.plan(apps, prune: true).changes.map(\.description)
                    == ["- webhook poll/https://api.example/hook"])
        }
    }

    @Test("A file endpoint with an unknown event, an internal host or a malformed secret is refused, and nothing is written")
    func refusals() async throws {
        try await TestService.run { service in
            var environment = ConfigurationApplyTests.environment
            environment["POLL_WEBHOOK_SECRET"] = Self.secret
            environment["SHORT_SECRET"] = "whsec_c2hvcnQ="
            let applier = ConfigurationApplier(services: service.application.services, environment: environment)
            let revision = try await service.application.services.storage.configuration.revision()
            // What the spec refuses on its own stops the file from parsing.
            for (yaml, words) in [
                (Self.endpoint(events: "user.created, user.vanished"), "must list only"),
                (Self.endpoint(url: "http://site.example/hooks"), "https"),
            ] {
                #expect(throws: ConfigurationError.self, "\(yaml)") { _ = try Self.apps(service, webhooks: yaml) }
                do {
                    _ = try Self.apps(service, webhooks: yaml)
                } catch {
                    #expect("\(error)".contains(words), "\(error)")
                }
            }
            // What needs the network or the secret's value stops it from applying.
            for (yaml, code) in [
                (Self.endpoint(url: "https://192.168.1.10/hooks"), "unsafe_url"),
                (Self.endpoint(secret: "SHORT_SECRET"), "invalid_field"),
                (Self.endpoint(secret: nil), "invalid_field"),
            ] {
                let apps = try Self.apps(service, webhooks: yaml)
                let error = await #expect(throws: TelegateError.self) { try await applier.apply(apps) }
                #expect(error?.code.rawValue == code, "\(yaml): \(error?.message ?? "")")
            }
            #expect(try await service.application.services.storage.configuration.revision() == revision)
            #expect(try await service.application.services.storage.configuration.app(AppSpec.pollID)?.webhooks == [])
        }
    }
}

extension AppSpec {
    static let pollID = AppID(rawValue: "poll")!
}
