import ProviderKit
import StrictJSON
import TelegateCore

/// The configuration of a Firebase adapter, decoded from its validated ``AdapterConfig``. The service account is
/// read here, once per configuration.
struct FirebaseSettings: AdapterSettings {
    /// The developer-claim names Firebase reserves (the Admin SDKs refuse them, and they would clash with the ID
    /// token's own claims).
    static let reservedClaims: Set<String> = [
        "acr", "amr", "at_hash", "aud", "auth_time", "azp", "cnf", "c_hash", "exp", "firebase", "iat", "iss", "jti", "nbf",
        "nonce", "sub",
    ]

    let serviceAccount: FirebaseServiceAccount
    /// The Identity Platform tenant users sign in to, or `nil` for the project's own users.
    let tenantID: String?
    let uid: FirebaseUIDTemplate
    /// Developer claims: name → the Telegram field it carries, in configuration order.
    let claims: [(name: String, field: TelegramProfileField)]
    let tokenTTL: Int64
    /// Whether each user's Telegram name and photo are sent to Firebase as `displayName` and `photoUrl`.
    let syncProfile: Bool
    /// Google's OAuth token endpoint the service account's access token comes from.
    let tokenURL: String
    /// Identity Toolkit's base URL (the admin API's `accounts:update`).
    let apiURL: String

    /// Where a service account gets its access tokens when its key JSON names no `token_uri`.
    static let defaultTokenURL = "https://oauth2.googleapis.com/token"
    static let defaultAPIURL = "https://identitytoolkit.googleapis.com"

    static let schema = AdapterConfigSchema(
        [
        .init(
            "serviceAccount", .secret, required: true,
            description:
                "The Firebase project's service account key JSON (Project settings → Service accounts → Generate new private key), as env:NAME or file:PATH."
        ),
        .init(
            "tenantId", .string, nullable: true,
            description: "The Identity Platform tenant users sign in to; absent or null for the project's own users."),
        .init(
            "uid", .string, default: .string("{user_id}"),
            description: "The Firebase uid template, with {user_id} (the local user id) or {telegram_id}; at most 128 characters."),
        .init(
            "claims", .object, default: .object([("telegram_id", .string("telegram_id"))]),
            description:
                "Developer claims (top-level claims of the Firebase ID token): claim name → Telegram field, from "
                + TelegramProfileField.allCases.map(\.rawValue).joined(separator: ", ") + ". Reserved names ("
                + reservedClaims.sorted().joined(separator: ", ") + ") are refused."),
        .init(
            "tokenTTL", .integer, default: .integer(3600), range: 1...3600,
            description: "Seconds a custom token stays valid (Firebase accepts at most 3600)."),
        .init(
            "syncProfile", .boolean, default: .bool(false),
            description:
                "Send each user's Telegram name and photo to Firebase as displayName and photoUrl (Identity Toolkit admin API, after the login, once per change)."
        ),
        // No schema defaults: an adapter that syncs nothing never has Google's addresses resolved or probed.
        .init(
            "tokenURL", .url, nullable: true,
            description: "The OAuth token endpoint for the service account's access token; default: the key's token_uri, else \(defaultTokenURL)."),
        .init(
            "apiURL", .url, nullable: true, description: "Identity Toolkit's base URL; default \(defaultAPIURL)."),
    ] + AdapterConfigSchema.outboundFields)

    enum CodingKeys: String, CodingKey {
        case serviceAccount, tenantId, uid, claims, tokenTTL, syncProfile, tokenURL, apiURL
    }

    init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: CodingKeys.self)
        self.serviceAccount = try FirebaseServiceAccount(json: try members.decode(String.self, forKey: .serviceAccount))
        let tenantID = try members.decodeIfPresent(String.self, forKey: .tenantId)
        if let tenantID, tenantID.isEmpty { throw AdapterConfigSchema.invalid("tenantId may not be empty") }
        self.tenantID = tenantID
        self.uid = try FirebaseUIDTemplate(try members.decode(String.self, forKey: .uid))
        self.claims = try Self.claims(try members.decode(JSONValue.self, forKey: .claims))
        self.tokenTTL = try members.decode(Int64.self, forKey: .tokenTTL)
        self.syncProfile = try members.decode(Bool.self, forKey: .syncProfile)
        let configuredTokenURL = try members.decodeIfPresent(String.self, forKey: .tokenURL)
        if configuredTokenURL == nil, syncProfile, let tokenURI = serviceAccount.tokenURI, !tokenURI.hasPrefix("https://") {
            throw AdapterConfigSchema.invalid("serviceAccount's token_uri must be an https URL (or set tokenURL)")
        }
        self.tokenURL = configuredTokenURL ?? serviceAccount.tokenURI ?? Self.defaultTokenURL
        let apiURL = try members.decodeIfPresent(String.self, forKey: .apiURL) ?? Self.defaultAPIURL
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
    }

    private static func claims(_ value: JSONValue) throws -> [(name: String, field: TelegramProfileField)] {
        try (value.objectMembers ?? []).map { member in
            guard !member.key.isEmpty else { throw AdapterConfigSchema.invalid("claims: a claim name may not be empty") }
            guard !reservedClaims.contains(member.key) else {
                throw AdapterConfigSchema.invalid("claims: \"\(member.key)\" is a claim name Firebase reserves")
            }
            guard let name = member.value.stringValue else {
                throw AdapterConfigSchema.invalid("claims: \"\(member.key.prefix(40))\" must name a Telegram field")
            }
            return (member.key, try TelegramProfileField.named(name))
        }
    }
}
