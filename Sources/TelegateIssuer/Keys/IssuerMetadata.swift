import StrictJSON
import TelegateCore

/// The OpenID Provider metadata of an app's built-in issuer (`/.well-known/openid-configuration`).
public enum IssuerMetadata {
    /// The discovery document. `issuer` is byte-identical to the tokens' `iss`.
    public static func document(issuer: String, tokenEndpoint: String, algorithms: Set<SigningAlgorithm>) -> JSONValue {
        let algorithmNames = (algorithms.isEmpty ? [.rs256] : algorithms).map(\.rawValue).sorted()
        return .object([
            ("issuer", .string(issuer)),
            ("jwks_uri", .string(issuer + "/.well-known/jwks.json")),
            ("token_endpoint", .string(tokenEndpoint)),
            ("id_token_signing_alg_values_supported", .array(algorithmNames.map { .string($0) })),
            ("response_types_supported", .array([.string("id_token")])),
            ("subject_types_supported", .array([.string("public")])),
            ("grant_types_supported", .array([.string("refresh_token")])),
            ("token_endpoint_auth_methods_supported", .array([.string("none")])),
            ("scopes_supported", .array([.string("openid"), .string("profile")])),
            (
                "claims_supported",
                .array(
                    [
                        "iss", "sub", "aud", "iat", "exp", "auth_time", "amr", "name", "given_name", "family_name",
                        "preferred_username", "picture", "locale", "telegram_id",
                    ].map { .string($0) })
            ),
        ])
    }
}
