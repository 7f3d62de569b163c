import ProviderKit
import StrictJSON
import TelegateCore

/// The configuration of a Logto adapter, decoded from its validated ``AdapterConfig``.
struct LogtoSettings: AdapterSettings {
    /// What an exchange returns.
    enum Mode: String, Sendable, Decodable {
        /// Telegate performs the token exchange and returns Logto's access token.
        case accessToken
        /// Telegate returns the one-time subject token; a public client exchanges it itself.
        case subjectToken
    }

    /// The tenant's base URL without a trailing `/` (`https://tenant.logto.app`).
    let endpoint: String
    /// The Management API's resource indicator.
    let managementResource: String
    let m2mClientID: String
    let m2mClientSecret: String
    let exchangeClientID: String
    /// `nil` for a public (SPA or native) application.
    let exchangeClientSecret: String?
    /// The API resource indicator access tokens are requested for; `nil` only in subject-token mode.
    let resource: String?
    let scopes: [String]
    let organizations: OrganizationAllowList
    let username: UsernameTemplate
    let mode: Mode

    var tokenEndpoint: String { endpoint + "/oidc/token" }

    static let schema = AdapterConfigSchema(fields + AdapterConfigSchema.outboundFields)

    private static let fields: [AdapterConfigSchema.Field] = [
        .init(
            "endpoint", .url, required: true,
            description: "The Logto tenant: https://<tenant>.logto.app, or the URL of a self-hosted Logto."),
        .init(
            "managementResource", .string, default: .string("https://default.logto.app/api"),
            description: "The Management API resource indicator: https://<tenant-id>.logto.app/api (default for self-hosted Logto)."),
        .init("m2mClientId", .string, required: true, description: "App ID of the machine-to-machine app with the Management API `all` permission."),
        .init("m2mClientSecret", .secret, required: true, description: "App secret of that machine-to-machine app."),
        .init("exchangeClientId", .string, required: true, description: "App ID of the app with token exchange enabled."),
        .init(
            "exchangeClientSecret", .secret,
            description: "App secret of the token-exchange app; leave out for a public (SPA/native) app."),
        .init(
            "resource", .string,
            description: "The API resource indicator access tokens are for (their aud). Required in accessToken mode."),
        .init("scopes", .stringList, default: .array([]), description: "The scopes requested; Logto grants those the user holds."),
        .init(
            "organizations", .stringList, default: .array([]),
            description: "Organization ids an exchange may name, or prefixes ending in * (org_acme_*). Empty: none."),
        .init(
            "username", .string, default: .string("tg_{telegram_id}"),
            description: "The Logto username of a Telegram user; must contain {telegram_id} and fit ^[A-Z_a-z]\\w*$."),
        .init(
            "mode", .string, default: .string("accessToken"), allowedValues: ["accessToken", "subjectToken"],
            description: "accessToken: return Logto's access token. subjectToken: return the one-time subject token."),
    ]

    enum CodingKeys: String, CodingKey {
        case endpoint, managementResource, m2mClientId, m2mClientSecret, exchangeClientId, exchangeClientSecret
        case resource, scopes, organizations, username, mode
    }

    init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: CodingKeys.self)
        var endpoint = try members.decode(String.self, forKey: .endpoint)
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        self.managementResource = try members.decode(String.self, forKey: .managementResource)
        guard let m2mClientID = try members.decodeIfPresent(String.self, forKey: .m2mClientId), !m2mClientID.isEmpty,
            let m2mClientSecret = try members.decodeIfPresent(String.self, forKey: .m2mClientSecret), !m2mClientSecret.isEmpty
        else { throw AdapterConfigSchema.invalid("m2mClientId and m2mClientSecret are required") }
        self.m2mClientID = m2mClientID
        self.m2mClientSecret = m2mClientSecret
        guard let exchangeClientID = try members.decodeIfPresent(String.self, forKey: .exchangeClientId), !exchangeClientID.isEmpty
        else { throw AdapterConfigSchema.invalid("exchangeClientId is required") }
        self.exchangeClientID = exchangeClientID
        self.exchangeClientSecret = try members.decodeIfPresent(String.self, forKey: .exchangeClientSecret).flatMap { $0.isEmpty ? nil : $0 }
        self.mode = try members.decode(Mode.self, forKey: .mode)
        self.resource = try members.decodeIfPresent(String.self, forKey: .resource).flatMap { $0.isEmpty ? nil : $0 }
        if mode == .accessToken, resource == nil {
            throw AdapterConfigSchema.invalid("resource is required in accessToken mode: the API resource indicator the tokens are for")
        }
        self.scopes = try members.decode([String].self, forKey: .scopes)
        if let scope = scopes.first(where: { $0.isEmpty || $0.contains(" ") }) {
            throw AdapterConfigSchema.invalid("scopes must be single words; \"\(scope.prefix(40))\" is not")
        }
        self.organizations = try OrganizationAllowList(members.decode([String].self, forKey: .organizations))
        self.username = try UsernameTemplate(members.decode(String.self, forKey: .username))
    }
}
