@testable import LogtoProvider
import ProviderKit
import StrictJSON
import TelegateCore
import Testing

/// What a `logto` adapter's configuration accepts and refuses, and the organization allow-list's matching.
@Suite("Logto configuration")
struct LogtoConfigurationTests {
    private func settings(_ changes: [(key: String, value: JSONValue)]) throws -> LogtoSettings {
        var members: [(key: String, value: JSONValue)] = [
            ("endpoint", .string("https://poll.logto.app/")), ("m2mClientId", .string("m2m")),
            ("m2mClientSecret", .string("env:LOGTO_M2M_SECRET")), ("exchangeClientId", .string("exchange")),
            ("resource", .string("https://api.example.com")),
        ]
        for change in changes {
            members.removeAll { $0.key == change.key }
            if change.value != .null { members.append(change) }
        }
        let values = try LogtoAdapter.configSchema.validate(.object(members))
        return try AdapterConfig(values: values, secrets: ["m2mClientSecret": "secret"]).decode(LogtoSettings.self)
    }

    private func refusal(_ changes: [(key: String, value: JSONValue)]) -> String? {
        do {
            _ = try settings(changes)
            return nil
        } catch let error as TelegateError {
            return error.code.rawValue
        } catch {
            return "\(error)"
        }
    }

    @Test("Defaults: the Management API of a self-hosted Logto, tg_{telegram_id}, accessToken mode, no organizations")
    func defaults() throws {
        let settings = try settings([])
        #expect(settings.endpoint == "https://poll.logto.app")
        #expect(settings.tokenEndpoint == "https://poll.logto.app/oidc/token")
        #expect(settings.managementResource == "https://default.logto.app/api")
        #expect(settings.username.render(279_058_397) == "tg_279058397")
        #expect(settings.mode == .accessToken)
        #expect(settings.exchangeClientSecret == nil)
        #expect(!settings.organizations.allows("org_1"))
    }

    @Test("Usernames must contain {telegram_id} and fit ^[A-Z_a-z]\\w*$", arguments: ["1tg_{telegram_id}", "tg-{telegram_id}", "tg", "tg.{telegram_id}", "{telegram_id}"])
    func badUsername(template: String) {
        #expect(refusal([("username", .string(template))]) == "invalid_config")
    }

    @Test("Good username templates render to valid Logto usernames", arguments: ["tg_{telegram_id}", "_{telegram_id}", "Telegram{telegram_id}x"])
    func goodUsername(template: String) throws {
        let username = try settings([("username", .string(template))]).username.render(42)
        #expect(UsernameTemplate.fitsLogto(username))
    }

    @Test("accessToken mode needs a resource; subjectToken mode does not; unknown keys and modes are refused")
    func modes() throws {
        #expect(refusal([("resource", .null)]) == "invalid_config")
        #expect(try settings([("resource", .null), ("mode", .string("subjectToken"))]).mode == .subjectToken)
        #expect(refusal([("mode", .string("idToken"))]) == "invalid_config")
        #expect(refusal([("audience", .string("x"))]) == "invalid_config")
        #expect(refusal([("m2mClientSecret", .string("literal-secret"))]) != nil)
        #expect(refusal([("scopes", .array([.string("read polls")]))]) == "invalid_config")
    }

    @Test("Organization entries are ids or prefixes ending in one *; a bare * and inner * are refused", arguments: ["*", "org_*_1", "**", ""])
    func badOrganizations(entry: String) {
        #expect(refusal([("organizations", .array([.string(entry)]))]) == "invalid_config")
    }

    @Test("The allow-list matches exact ids and prefixes, byte for byte; an empty list allows nothing")
    func allowList() throws {
        let list = try OrganizationAllowList(["org_acme_*", "m2xk4p9q7r1s"])
        for allowed in ["org_acme_1", "org_acme_", "org_acme_x_y", "m2xk4p9q7r1s"] { #expect(list.allows(allowed), "\(allowed)") }
        for refused in ["org_acme", "ORG_ACME_1", "m2xk4p9q7r1", "m2xk4p9q7r1s ", " org_acme_1", "xorg_acme_1"] {
            #expect(!list.allows(refused), "\(refused)")
        }
        #expect(throws: Never.self) { try list.check(nil) }
        let error = try #require(throws: TelegateError.self) { try list.check("org_other") }
        #expect(error.status == 403)
        #expect(error.code == .organizationNotAllowed)
        #expect(!(try OrganizationAllowList([])).allows("org_acme_1"))
    }
}
