import StrictJSON

/// How Identity Toolkit checks a custom token in `accounts:signInWithCustomToken`: three JWS segments, RS256
/// signed by the service account named in `iss` (which must equal `sub`), Identity Toolkit's audience, issued at
/// most an hour before it expires and not expired, a `uid` of 1 to 128 characters, developer claims without
/// reserved names, and a tenant that matches the request's. A token that fails any of these is
/// `INVALID_CUSTOM_TOKEN`, as Google answers whatever the reason; a token signed by another project's service
/// account is `CREDENTIAL_MISMATCH`.
struct FirebaseCustomTokenRules: Sendable {
    /// A custom token that passed: the user and the developer claims to put in their ID tokens.
    struct Verified: Sendable {
        let uid: String
        let tenantID: String?
        let claims: [(key: String, value: JSONValue)]
    }

    static let audience = "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit"
    /// The names developer claims may not use.
    static let reservedClaims: Set<String> = [
        "acr", "amr", "at_hash", "aud", "auth_time", "azp", "cnf", "c_hash", "exp", "firebase", "iat", "iss", "jti", "nbf",
        "nonce", "sub",
    ]
    /// Google's limit on the serialized developer claims.
    static let maximumClaimsBytes = 1000

    let project: FirebaseProjectSettings
    /// Unix seconds.
    let now: Int64

    func verify(_ token: String?, tenantID: String?) throws(FirebaseErrorBody) -> Verified {
        guard let token, !token.isEmpty else { throw .identityToolkit("MISSING_CUSTOM_TOKEN") }
        guard let parts = FirebaseJWS.parts(of: token), parts.header["alg"]?.stringValue == "RS256" else {
            throw .identityToolkit("INVALID_CUSTOM_TOKEN")
        }
        let payload = parts.payload
        if let tenantID, payload["tenant_id"]?.stringValue != tenantID { throw .identityToolkit("TENANT_ID_MISMATCH") }
        guard payload["aud"]?.stringValue == Self.audience, let issuer = payload["iss"]?.stringValue,
            payload["sub"]?.stringValue == issuer, let account = project.account(email: issuer),
            parts.header["kid"].map({ $0.stringValue == account.keyID }) ?? true,
            FirebaseJWS.verify(parts.signature, of: parts.signingInput, with: account.publicKey)
        else { throw .identityToolkit("INVALID_CUSTOM_TOKEN") }
        guard account.projectID == project.projectID else { throw .identityToolkit("CREDENTIAL_MISMATCH") }
        guard let issuedAt = payload["iat"]?.integerValue, let expiresAt = payload["exp"]?.integerValue,
            expiresAt > issuedAt, expiresAt - issuedAt <= 3600, now < expiresAt
        else { throw .identityToolkit("INVALID_CUSTOM_TOKEN") }
        guard let uidValue = payload["uid"] else { throw .identityToolkit("MISSING_IDENTIFIER") }
        guard let uid = uidValue.stringValue, (1...128).contains(uid.count) else { throw .identityToolkit("INVALID_CUSTOM_TOKEN") }
        let tokenTenant = payload["tenant_id"]?.stringValue
        if let tokenTenant, !project.tenants.contains(tokenTenant) { throw .identityToolkit("TENANT_NOT_FOUND") }
        var claims: [(key: String, value: JSONValue)] = []
        if let value = payload["claims"] {
            guard let members = value.objectMembers else { throw .identityToolkit("INVALID_CLAIMS") }
            if let reserved = members.first(where: { Self.reservedClaims.contains($0.key) }) {
                throw .identityToolkit("FORBIDDEN_CLAIM : \(reserved.key)")
            }
            guard value.serializedBytes.count <= Self.maximumClaimsBytes else { throw .identityToolkit("CLAIMS_TOO_LARGE") }
            claims = members
        }
        return Verified(uid: uid, tenantID: tokenTenant, claims: claims)
    }
}
