import Foundation
import TestSupport
import Testing

/// `telegate clients …` on the local database of the README's `telegate.yaml`.
@Suite("telegate clients")
struct ClientsCommandTests {
    static let callback = "https://poll.example/accounts/oidc/telegate/login/callback/"

    @Test("add, list, show, rotate-secret and remove: a generated secret is printed once, in the add or rotate answer only")
    func lifecycle() async throws {
        var run = try await FirstHourRun.readmeApplied()
        defer { run.remove() }
        let config = ["--config", "telegate.yaml"]

        let added = try await run.cli(
            ["clients", "add", "--app", "poll", "--id", "django", "--redirect-uri", Self.callback, "--consent", "required", "--json"]
                + config)
        #expect(added.status == 0, "\(added.stderr)")
        let secret = try #require(added.json["clientSecret"] as? String)
        #expect(secret.count == 43)
        #expect(added.json["hasSecret"] as? Bool == true)
        #expect(added.json["consent"] as? String == "required")

        let spa = try await run.cli(
            ["clients", "add", "--app", "poll", "--id", "spa", "--public", "--redirect-uri", "http://localhost:5173/cb", "--scope", "openid",
             "--scope", "profile"] + config)
        #expect(spa.status == 0, "\(spa.stderr)")
        #expect(spa.stdout.contains("hasSecret: no"), "\(spa.stdout)")
        #expect(!spa.stdout.contains("clientSecret"))

        let listed = try await run.cli(["clients", "list", "--app", "poll"] + config)
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.dropFirst().map { $0.split(separator: " ").first.map(String.init) } == ["django", "spa"])
        #expect(lines.contains { $0.hasPrefix("spa") && $0.contains("openid,profile") })

        let shown = try await run.cli(["clients", "show", "--app", "poll", "--id", "django", "--json"] + config)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.json["clientSecret"] == nil)
        #expect(shown.json["hasSecret"] as? Bool == true)

        let rotated = try await run.cli(["clients", "rotate-secret", "--app", "poll", "--id", "django"] + config)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdout.contains("clientSecret: "))
        #expect(!rotated.stdout.contains(secret))
        #expect(rotated.stderr.contains("shown only this once"))

        run.environment["DJANGO_CLIENT_SECRET"] = "canary-django-secret-from-env-7Hq2"
        let referenced = try await run.cli(
            ["clients", "rotate-secret", "--app", "poll", "--id", "django", "--secret", "env:DJANGO_CLIENT_SECRET", "--json"] + config)
        #expect(referenced.status == 0, "\(referenced.stderr)")
        #expect(referenced.json["secretReference"] as? String == "env:DJANGO_CLIENT_SECRET")
        #expect(referenced.json["clientSecret"] == nil)

        let exported = try await run.cli(["config", "export"] + config)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("env:DJANGO_CLIENT_SECRET"))
        #expect(!exported.stdout.contains("canary-django-secret-from-env-7Hq2"))

        let removed = try await run.cli(["clients", "remove", "--app", "poll", "--id", "spa"] + config)
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout.contains("removed client spa from poll"))
        let missing = try await run.cli(["clients", "show", "--app", "poll", "--id", "spa"] + config)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("client_not_found"), "\(missing.stderr)")
    }
}
