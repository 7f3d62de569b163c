import StrictJSON
import TelegateAdmin
import TelegateCore
import Testing

/// The admin API's OpenAPI body schemas and the specs the bodies decode into name the same members, so that
/// neither can drift from the other.
@Suite("Admin body schemas follow the specs")
struct AdminSpecSchemaTests {
    /// The member names of an operation's request body, in their documented order.
    private func bodyMembers(_ document: JSONValue, _ path: String, _ method: String) -> [String] {
        let schema = document["paths"]?["/admin/v1" + path]?[method]?["requestBody"]?["content"]?["application/json"]?["schema"]
        return (schema?["properties"]?.objectMembers ?? []).map(\.key)
    }

    /// The member names a spec writes in the admin spelling, in the order of its `CodingKeys`: the names of all
    /// `specs` together (a member a spec leaves out, like a token bot's `id`, comes from another).
    private func specMembers(_ specs: [some Encodable]) -> [String] {
        var names: [String] = []
        for spec in specs {
            let members = (SpecFormat.admin.encode(spec).objectMembers ?? []).map(\.key)
            for (index, name) in members.enumerated() where !names.contains(name) {
                let following = members[(index + 1)...].first(where: names.contains)
                names.insert(name, at: following.flatMap { names.firstIndex(of: $0) } ?? names.endIndex)
            }
        }
        return names
    }

    @Test("createApp and updateApp accept exactly AppSpec's members (an existing app's id is read-only)")
    func apps() async throws {
        try await TestService.run { service in
            let document = service.application.admin.openAPIDocument
            let spec = specMembers([AppSpec(settings: AppSettings(id: AppID(rawValue: "poll")!))])
            #expect(bodyMembers(document, "/apps", "post") == spec)
            #expect(bodyMembers(document, "/apps/{app}", "patch") == spec.filter { $0 != "id" })
        }
    }

    @Test("addBot accepts BotSpec's members and the token value beside them; updateBot its settings")
    func bots() async throws {
        try await TestService.run { service in
            let document = service.application.admin.openAPIDocument
            let spec = specMembers([
                BotSpec(
                    token: try SecretReference("env:POLL_BOT_TOKEN"), label: "prod", username: "poll_bot",
                    oidc: BotLoginSettings(clientSecret: try SecretReference("env:POLL_OIDC_CLIENT_SECRET")),
                    api: BotAPIEndpoint(url: "http://127.0.0.1:8081", allowInsecureLoopback: true, allowPrivateNetworks: true)),
                BotSpec(id: 7_000_000_001, environment: .test, label: "prod"),
            ])
            #expect(bodyMembers(document, "/apps/{app}/bots", "post") == ["token"] + spec)
            #expect(
                bodyMembers(document, "/apps/{app}/bots/{bot}", "patch")
                    == spec.filter { !["tokenReference", "id", "environment"].contains($0) })
        }
    }

    @Test("addAdapter accepts AdapterSpec's members and the secret values beside them; updates its settings")
    func adapters() async throws {
        try await TestService.run { service in
            let document = service.application.admin.openAPIDocument
            let spec = specMembers([AdapterSpec(name: AdapterName(rawValue: "clerk")!, kind: "clerk")])
            #expect(bodyMembers(document, "/apps/{app}/adapters", "post") == spec + ["secrets"])
            for method in ["patch", "put"] {
                #expect(
                    bodyMembers(document, "/apps/{app}/adapters/{adapter}", method)
                        == spec.filter { !["name", "kind"].contains($0) } + ["secrets"])
            }
        }
    }
}
