import Foundation
import StrictJSON

/// A custom OIDC provider registered with `POST /admin/custom-providers`, as Supabase Auth stores it: the client id
/// (and any other acceptable audiences) its ID tokens must be for, the issuer with the discovery document fetched
/// at creation, and the per-provider switches of the ID-token sign-in.
struct SupabaseCustomProvider: Sendable {
    let id: String
    /// `custom:<name>`, what `signInWithIdToken({provider})` names.
    let identifier: String
    let name: String
    let clientID: String
    let acceptableClientIDs: [String]
    let issuer: String
    let discoveryURL: String?
    /// Skips the nonce rule of the ID-token sign-in.
    let skipNonceCheck: Bool
    /// Lets a user be created from an ID token without an email.
    let emailOptional: Bool
    let enabled: Bool
    let createdAt: Int64
    /// What the discovery document said at creation.
    let discovery: SupabaseOIDCDiscovery

    /// The audiences an ID token may be for: the client id, then `acceptable_client_ids`.
    var audiences: [String] { [clientID] + acceptableClientIDs }

    /// Where the discovery document is: `discovery_url`, else `<issuer>/.well-known/openid-configuration`.
    static func discoveryURL(issuer: String, discoveryURL: String?) -> String {
        if let discoveryURL, !discoveryURL.isEmpty { return discoveryURL }
        var base = issuer
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/.well-known/openid-configuration"
    }

    /// The admin body checked as Supabase Auth checks it before fetching discovery (the simulator serves
    /// `provider_type: oidc` only, and, unlike the hosted service, accepts `http` and loopback issuers).
    struct Parameters: Sendable {
        let identifier: String
        let name: String
        let clientID: String
        let acceptableClientIDs: [String]
        let issuer: String
        let discoveryURL: String?
        let skipNonceCheck: Bool
        let emailOptional: Bool
        let enabled: Bool

        init(_ body: JSONValue) throws(SupabaseErrorBody) {
            let type = body["provider_type"]?.stringValue ?? ""
            guard type == "oidc" || type == "oauth2" else { throw .validation("provider_type must be either 'oauth2' or 'oidc'") }
            guard type == "oidc" else { throw .validation("the simulator serves provider_type 'oidc' only") }
            let identifier = try Self.string(body, "identifier")
            guard !identifier.isEmpty else { throw .validation("identifier is required") }
            guard identifier.hasPrefix("custom:") else {
                throw .validation("identifier must start with 'custom:' prefix, e.g. 'custom:\(identifier)'")
            }
            let name = try Self.string(body, "name")
            guard !name.isEmpty else { throw .validation("name is required") }
            let clientID = try Self.string(body, "client_id")
            guard !clientID.isEmpty else { throw .validation("client_id is required") }
            guard try !Self.string(body, "client_secret").isEmpty else { throw .validation("client_secret is required") }
            let issuer = try Self.string(body, "issuer")
            guard !issuer.isEmpty else { throw .validation("issuer is required for OIDC providers") }
            for url in [issuer] + [try Self.string(body, "discovery_url")].filter({ !$0.isEmpty }) {
                guard let parsed = URL(string: url), ["https", "http"].contains(parsed.scheme ?? ""), parsed.host?.isEmpty == false else {
                    throw .validation("Invalid URL format")
                }
            }
            var acceptable: [String] = []
            if let list = body["acceptable_client_ids"], list != .null {
                guard let elements = list.arrayElements else { throw .badJSON }
                acceptable = try elements.map { element throws(SupabaseErrorBody) in
                    guard let text = element.stringValue else { throw .badJSON }
                    return text
                }
            }
            self.identifier = identifier
            self.name = name
            self.clientID = clientID
            self.acceptableClientIDs = acceptable
            self.issuer = issuer
            self.discoveryURL = try Self.string(body, "discovery_url").nilIfEmpty
            self.skipNonceCheck = try Self.bool(body, "skip_nonce_check") ?? false
            self.emailOptional = try Self.bool(body, "email_optional") ?? false
            self.enabled = try Self.bool(body, "enabled") ?? true
        }

        private static func string(_ body: JSONValue, _ key: String) throws(SupabaseErrorBody) -> String {
            guard let value = body[key], value != .null else { return "" }
            guard let text = value.stringValue else { throw .badJSON }
            return text
        }

        private static func bool(_ body: JSONValue, _ key: String) throws(SupabaseErrorBody) -> Bool? {
            guard let value = body[key], value != .null else { return nil }
            guard let flag = value.boolValue else { throw .badJSON }
            return flag
        }
    }

    /// Supabase Auth's answer for a provider (never the client secret).
    var json: JSONValue {
        let created = JSONValue.string(Date(timeIntervalSince1970: TimeInterval(createdAt)).ISO8601Format())
        return .object([
            ("id", .string(id)), ("provider_type", .string("oidc")), ("identifier", .string(identifier)), ("name", .string(name)),
            ("client_id", .string(clientID)), ("acceptable_client_ids", .array(acceptableClientIDs.map { .string($0) })),
            ("scopes", .array([.string("openid")])), ("pkce_enabled", .bool(true)), ("attribute_mapping", .object([])),
            ("authorization_params", .object([])), ("enabled", .bool(enabled)), ("email_optional", .bool(emailOptional)),
            ("issuer", .string(issuer)), ("discovery_url", discoveryURL.map { .string($0) } ?? .null),
            ("skip_nonce_check", .bool(skipNonceCheck)), ("created_at", created), ("updated_at", created),
        ])
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
