import Foundation
import StrictJSON
import TelegateApp
import TelegateCore
import TelegateTesting
import Testing

/// OAuth clients configured in `telegate.yaml`: validated with the app, stored with only the digest of their
/// secret, served by the runtime, exported back with their secret as its reference.
@Suite("OAuth clients in the configuration file")
struct ClientConfigurationTests {
    static let masterKey = "Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE="
    static let clientSecret = "canary-django-client-secret-4u7Qx0b9LmZ2"
    static let environment = ["TELEGATE_MASTER_KEY": masterKey, "DJANGO_CLIENT_SECRET": clientSecret]

    static func yaml(directory: String, clients: String) -> String {
        """
        server:
          publicURL: http://telegate.test
        database:
          url: sqlite://\(directory)/telegate.sqlite
        masterKey: env:TELEGATE_MASTER_KEY
        apps:
          - id: site
            bots:
              - id: 7000000001
        \(clients)
        """
    }

    static let clients = """
            clients:
              - id: django
                secret: env:DJANGO_CLIENT_SECRET
                redirectURIs: ["https://site.example/accounts/oidc/telegate/login/callback/"]
                postLogoutRedirectURIs: ["https://site.example/"]
                consent: required
              - id: spa
                redirectURIs: ["http://localhost:5173/callback"]
                scopes: [openid, profile]
        """

    /// Prepares Telegate from the YAML `text` (its database in `directory`), runs `body`, shuts it down.
    static func withApplication(
        _ text: String, environment: [String: String] = environment, _ body: (TelegateApplication) async throws -> Void
    ) async throws {
        let logs = LogCapture()
        let application = try await TelegateApplication.prepare(
            configuration: try ConfigurationFile.parse(text), environment: environment, logger: logs.logger)
        do {
            try await body(application)
        } catch {
            try? await application.shutdown()
            throw error
        }
        try await application.shutdown()
        #expect(logs.leaks(of: [clientSecret, masterKey]).isEmpty, "a secret reached the logs")
    }

    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("telegate-clients-\(UUID().uuidString)").path
    }

    @Test("A YAML app with clients serves client django, which authenticates its secret and refuses any other; spa is public")
    func runtimeClients() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.withApplication(Self.yaml(directory: directory, clients: Self.clients)) { application in
            let runtime = try #require(application.runtimes.app(AppID(rawValue: "site")!))
            let django = try #require(runtime.client("django"))
            #expect(!django.isPublic)
            #expect(django.authenticates(secret: Self.clientSecret))
            #expect(!django.authenticates(secret: Self.clientSecret + "x"))
            #expect(!django.authenticates(secret: ""))
            #expect(django.acceptedAuthMethods == [.clientSecretBasic, .clientSecretPost])
            #expect(django.spec.consent == .required)
            #expect(django.allowsRedirect(to: "https://site.example/accounts/oidc/telegate/login/callback/"))
            #expect(!django.allowsRedirect(to: "https://site.example/accounts/oidc/telegate/login/callback/x"))

            let spa = try #require(runtime.client("spa"))
            #expect(spa.isPublic)
            #expect(!spa.authenticates(secret: Self.clientSecret))
            #expect(spa.acceptedAuthMethods == [.none])
            #expect(spa.spec.scopes == ["openid", "profile"])
            #expect(runtime.client("keycloak") == nil)

            let stored = try #require(try await application.services.storage.configuration.app(AppID(rawValue: "site")!))
            #expect(stored.clients.map(\.spec.id.rawValue) == ["django", "spa"])
            #expect(stored.clients[0].secretDigest?.count == 32)
            #expect(stored.clients[1].secretDigest == nil)
            #expect(stored.declared.clients.map(\.rawValue).sorted() == ["django", "spa"])
        }
    }

    @Test("Export writes the clients back with the secret as its reference; applying the export changes nothing")
    func exportRoundTrip() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.withApplication(Self.yaml(directory: directory, clients: Self.clients)) { application in
            let stored = try await application.services.storage.configuration.apps()
            let exported = ConfigurationExport.yaml(stored, masterKey: nil)
            #expect(exported.contains("env:DJANGO_CLIENT_SECRET"))
            #expect(!exported.contains(Self.clientSecret))
            let reread = try ConfigurationFile.parse(
                "database:\n  url: sqlite://\(directory)/telegate.sqlite\n" + exported)
            #expect(reread.apps.first?.clients == application.configuration.apps.first?.clients)
            let plan = try await ConfigurationApplier(services: application.services, environment: Self.environment)
                .plan(reread.apps, prune: false)
            #expect(plan.isEmpty, "\(plan.changes)")
        }
    }

    @Test("The file reconciles clients: a new secret value is a change, a client it stops naming is removed")
    func reconcile() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.withApplication(Self.yaml(directory: directory, clients: Self.clients)) { application in
            var environment = Self.environment
            environment["DJANGO_CLIENT_SECRET"] = "canary-rotated-django-secret-9Vb3"
            let applier = ConfigurationApplier(services: application.services, environment: environment)
            var apps = application.configuration.apps
            #expect(try await applier.plan(apps, prune: false).changes.map(\.description) == ["~ client site/django: secret"])
            apps[0].clients.removeAll { $0.id.rawValue == "spa" }
            let plan = try await applier.apply(apps)
            #expect(plan.changes.map(\.description) == ["~ client site/django: secret", "- client site/spa"])
            try await application.reloader.reload()
            let django = try #require(application.runtimes.app(AppID(rawValue: "site")!)?.client("django"))
            #expect(django.authenticates(secret: "canary-rotated-django-secret-9Vb3"))
            #expect(!django.authenticates(secret: Self.clientSecret))
        }
    }

    @Test("An app refuses two clients with one id, an unacceptable redirect URI and a literal secret, naming the client")
    func refusals() throws {
        let duplicate = """
                clients:
                  - id: django
                    redirectURIs: ["https://a.example/cb"]
                  - id: django
                    redirectURIs: ["https://b.example/cb"]
            """
        #expect(throws: (any Error).self) { try ConfigurationFile.parse(Self.yaml(directory: "/tmp", clients: duplicate)) }
        for (uri, label) in [
            ("http://site.example/cb", "http to a public host"), ("https://site.example/*", "a wildcard"),
            ("https://site.example/cb#x", "a fragment"), ("/cb", "a relative URI"),
        ] {
            let clients = """
                    clients:
                      - id: django
                        redirectURIs: ["\(uri)"]
                """
            do {
                _ = try ConfigurationFile.parse(Self.yaml(directory: "/tmp", clients: clients))
                Issue.record("\(label) was accepted")
            } catch {
                #expect("\(error)".contains("clients[0]"), "\(label): \(error)")
            }
        }
        let literal = """
                clients:
                  - id: django
                    secret: hunter2-literal
                    redirectURIs: ["https://a.example/cb"]
            """
        #expect(throws: (any Error).self) { try ConfigurationFile.parse(Self.yaml(directory: "/tmp", clients: literal)) }
    }

    @Test("A client whose secret reference does not resolve stops the configuration from applying")
    func unresolvedSecret() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        await #expect(throws: TelegateError.self) {
            try await Self.withApplication(
                Self.yaml(directory: directory, clients: Self.clients), environment: ["TELEGATE_MASTER_KEY": Self.masterKey]
            ) { _ in }
        }
    }
}
