import StrictJSON
import TelegateCore

/// The OpenID Provider metadata of an app's built-in issuer (`/.well-known/openid-configuration`, OpenID Connect
/// Discovery 1.0 §3, RFC 8414).
public enum IssuerMetadata {
    /// The discovery document. `issuer` is byte-identical to the tokens' `iss`; every endpoint is under it.
    public static func document(issuer: String, algorithms: Set<SigningAlgorithm>) -> JSONValue {
        let algorithmNames = (algorithms.isEmpty ? [.rs256] : algorithms).map(\.rawValue).sorted()
        let authMethods = ClientSpec.AuthMethod.allCases.map(\.rawValue)
        return .object([
            ("issuer", .string(issuer)),
            ("authorization_endpoint", .string(issuer + "/authorize")),
            ("token_endpoint", .string(issuer + "/token")),
            ("userinfo_endpoint", .string(issuer + "/userinfo")),
            ("jwks_uri", .string(issuer + "/.well-known/jwks.json")),
            ("revocation_endpoint", .string(issuer + "/revoke")),
            ("introspection_endpoint", .string(issuer + "/introspect")),
            ("end_session_endpoint", .string(issuer + "/logout")),
            ("response_types_supported", strings(["code"])),
            ("response_modes_supported", strings(["query"])),
            ("grant_types_supported", strings(["authorization_code", "refresh_token"])),
            ("subject_types_supported", strings(["public"])),
            ("id_token_signing_alg_values_supported", strings(algorithmNames)),
            ("code_challenge_methods_supported", strings(["S256"])),
            ("token_endpoint_auth_methods_supported", strings(authMethods)),
            ("revocation_endpoint_auth_methods_supported", strings(authMethods)),
            ("introspection_endpoint_auth_methods_supported", strings(authMethods)),
            ("scopes_supported", strings(ScopeClaims.scopes)),
            (
                "claims_supported",
                strings(["iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "azp", "at_hash", "sid"] + ScopeClaims.claimNames)
            ),
            ("prompt_values_supported", strings(["none", "login"])),
            ("authorization_response_iss_parameter_supported", .bool(true)),
            ("claims_parameter_supported", .bool(false)),
            ("request_parameter_supported", .bool(false)),
            ("request_uri_parameter_supported", .bool(false)),
        ])
    }

    private static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
}
