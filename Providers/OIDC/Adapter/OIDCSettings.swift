import ProviderKit
import StrictJSON
import TelegateCore

/// The configuration of a built-in issuer adapter, decoded from its validated ``AdapterConfig``.
struct OIDCSettings: AdapterSettings {
    /// The ID token's `aud`: one string, the relying party's application id (Convex's `applicationID`).
    let audience: String
    /// The access token's `aud`: the resource server's identifier (RFC 9068 §5: one per resource). By default
    /// ``defaultResource(issuer:adapterName:)``, never the ID token's audience, so neither token passes for the other.
    let resource: String
    /// The access token's `client_id` claim.
    let clientID: String
    let algorithm: SigningAlgorithm
    let idTokenTTL: Int64
    let accessTokenTTL: Int64
    /// `0` issues no refresh tokens.
    let refreshTokenTTL: Int64
    let refreshTokenAbsoluteTTL: Int64
    let scopes: [String]
    /// Extra claims for the access token (for example `role: authenticated` for Supabase).
    let accessTokenClaims: [(key: String, value: JSONValue)]
    /// Extra claims for the ID token.
    let idTokenClaims: [(key: String, value: JSONValue)]

    /// Claims Telegate sets itself; configuration may not override them.
    static let reservedClaims: Set<String> = [
        "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope", "auth_time", "amr", "azp", "nonce",
        "telegram_id", "typ", "cnf", "name", "given_name", "family_name", "preferred_username", "picture", "locale",
    ]

    static let schema = AdapterConfigSchema([
        .init("audience", .string, required: true, description: "The ID token's aud (for Convex, the applicationID)."),
        .init(
            "resource", .string,
            description: "The access token's aud, the API it is for. Defaults to <issuer>/api/<adapter name>, never the audience."),
        .init("clientId", .string, description: "The access token's client_id claim. Defaults to the adapter name."),
        .init(
            "algorithm", .string, default: .string("RS256"), allowedValues: SigningAlgorithm.allCases.map(\.rawValue),
            description: "Signing algorithm: RS256 (accepted everywhere), ES256 (fast), EdDSA."),
        .init("idTokenTTL", .integer, default: .integer(3600), range: 5...86_400, description: "ID token lifetime, seconds."),
        .init(
            "accessTokenTTL", .integer, default: .integer(900), range: 5...86_400,
            description: "Access token lifetime, seconds."),
        .init(
            "refreshTokenTTL", .integer, default: .integer(2_592_000), range: 0...31_536_000,
            description: "Lifetime of each refresh token, seconds; 0 issues none."),
        .init(
            "refreshTokenAbsoluteTTL", .integer, default: .integer(7_776_000), range: 0...63_072_000,
            description: "The longest a refresh-token family lives, however often it rotates, seconds."),
        .init(
            "scopes", .stringList, default: .array([.string("openid"), .string("profile")]),
            description: "The access token's scope."),
        .init("accessTokenClaims", .object, description: "Extra claims for the access token, e.g. {role: authenticated}."),
        .init("idTokenClaims", .object, description: "Extra claims for the ID token."),
    ])

    /// The adapter the settings are for, whose name and issuer the defaults of `resource` and `clientId` come from;
    /// passed to the decoder in its `userInfo`.
    struct Scope: Sendable {
        static let userInfoKey = CodingUserInfoKey(rawValue: "telegate.oidc.scope")!
        let adapterName: AdapterName
        let issuer: String
    }

    /// The settings of the adapter `adapterName` of the app whose issuer is `issuer`.
    static func decode(_ config: AdapterConfig, adapterName: AdapterName, issuer: String) throws -> OIDCSettings {
        try config.decode(Self.self, userInfo: [Scope.userInfoKey: Scope(adapterName: adapterName, issuer: issuer)])
    }

    enum CodingKeys: String, CodingKey {
        case audience, resource, clientId, algorithm, idTokenTTL, accessTokenTTL, refreshTokenTTL, refreshTokenAbsoluteTTL
        case scopes, accessTokenClaims, idTokenClaims
    }

    init(from decoder: any Decoder) throws {
        guard let scope = decoder.userInfo[Scope.userInfoKey] as? Scope else {
            throw AdapterConfigSchema.invalid("an oidc adapter's settings are read for an adapter and its issuer")
        }
        let members = try decoder.container(keyedBy: CodingKeys.self)
        let audience = try members.decode(String.self, forKey: .audience)
        guard !audience.isEmpty else { throw AdapterConfigSchema.invalid("audience is required") }
        self.audience = audience
        if let resource = try members.decodeIfPresent(String.self, forKey: .resource) {
            guard !resource.isEmpty else { throw AdapterConfigSchema.invalid("resource must not be empty") }
            // Equal to the audience only when written so: the documented way to keep tokens from before the default.
            self.resource = resource
        } else {
            let resource = Self.defaultResource(issuer: scope.issuer, adapterName: scope.adapterName)
            guard resource != audience else {
                throw AdapterConfigSchema.invalid("audience equals the access tokens' default aud \(resource); set resource explicitly")
            }
            self.resource = resource
        }
        self.clientID = try members.decodeIfPresent(String.self, forKey: .clientId) ?? scope.adapterName.rawValue
        self.algorithm = try members.decode(SigningAlgorithm.self, forKey: .algorithm)
        self.idTokenTTL = try members.decode(Int64.self, forKey: .idTokenTTL)
        self.accessTokenTTL = try members.decode(Int64.self, forKey: .accessTokenTTL)
        self.refreshTokenTTL = try members.decode(Int64.self, forKey: .refreshTokenTTL)
        self.refreshTokenAbsoluteTTL = max(try members.decode(Int64.self, forKey: .refreshTokenAbsoluteTTL), refreshTokenTTL)
        self.scopes = try members.decode([String].self, forKey: .scopes)
        self.accessTokenClaims = try Self.extraClaims(members.decodeIfPresent(JSONValue.self, forKey: .accessTokenClaims), name: "accessTokenClaims")
        self.idTokenClaims = try Self.extraClaims(members.decodeIfPresent(JSONValue.self, forKey: .idTokenClaims), name: "idTokenClaims")
    }

    /// The access token's `aud` when `resource` is not configured: `<issuer>/api/<adapter name>`, a URI of the
    /// app's issuer that names this adapter's API, distinct from any other adapter's.
    static func defaultResource(issuer: String, adapterName: AdapterName) -> String {
        "\(issuer)/api/\(adapterName)"
    }

    private static func extraClaims(_ value: JSONValue?, name: String) throws -> [(key: String, value: JSONValue)] {
        let members = value?.objectMembers ?? []
        if let reserved = members.first(where: { reservedClaims.contains($0.key) }) {
            throw AdapterConfigSchema.invalid("\(name) may not set the registered claim \"\(reserved.key)\"")
        }
        return members
    }
}
