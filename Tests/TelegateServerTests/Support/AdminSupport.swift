import Foundation
import OIDCProvider
import ProviderKit
import StrictJSON
import Synchronization
import TelegateAdmin
import TelegateApp
import TelegateCore

/// A test adapter kind with what `oidc` lacks: a secret field and a provider URL, and provider-side deletion.
/// Its credential echoes `marker`, so a test can tell which configuration issued it.
struct ProbeAdapter: ProviderAdapter, ProviderUserDeleting {
    static let kind = "probe"
    static let configSchema = AdapterConfigSchema(
        [
            .init("apiURL", .url, required: true, description: "The provider's API."),
            .init("apiKey", .secret, required: true, description: "The provider's API key."),
            .init("marker", .string, default: .string("one"), description: "Echoed in credentials."),
        ] + AdapterConfigSchema.outboundFields)

    /// Provider users deleted by any probe adapter, by external id.
    static let deleted = Mutex<[String]>([])

    let marker: String
    let apiURL: String

    init(config: AdapterConfig, context: AdapterContext) throws {
        marker = config.string("marker") ?? ""
        apiURL = config.string("apiURL") ?? ""
        guard config.secret("apiKey")?.isEmpty == false else {
            throw TelegateError(.invalidConfig, "apiKey is missing")
        }
    }

    func issue(for subject: Subject, options: IssueOptions) async throws -> Credential {
        Credential(type: "probe", members: [("marker", .string(marker))])
    }

    func check() async -> AdapterHealth { AdapterHealth(ok: true, message: "reached \(apiURL)") }

    func deleteProviderUser(externalID: String) async throws {
        Self.deleted.withLock { $0.append(externalID) }
    }
}

extension TestService {
    /// The adapter kinds of the admin tests: the built-in ones and `probe`.
    static let adminRegistry = AdapterRegistry([OIDCAdapter.self, ProbeAdapter.self])

    /// A new admin token, made directly through the API as the CLI does on a local database.
    func adminToken(name: String = "root-\(UUID().uuidString.prefix(8))", app: String? = nil, readOnly: Bool = false)
        async throws -> String
    {
        var members: [(key: String, value: JSONValue)] = [("name", .string(name))]
        if let app { members.append(("app", .string(app))) }
        if readOnly { members.append(("readOnly", .bool(true))) }
        let reply = try await application.admin.handle(.post, "/tokens", body: .object(members), caller: .local)
        let token = reply.body?["token"]?.stringValue ?? ""
        rememberSecrets([token])
        return token
    }

    /// An admin API call over HTTP.
    func admin(
        _ method: HTTPMethodName, _ path: String, body: JSONValue? = nil, token: String?, headers: [(String, String)] = []
    ) async throws -> Reply {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        return try await request(method, "/admin/v1" + path, body: body?.serialized, headers: all)
    }
}
