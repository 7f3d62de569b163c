import StrictJSON
import TelegateCore

/// Mints Firebase custom tokens as the Admin SDKs do: RS256 with the service account's key (`kid` =
/// `private_key_id`), `iss` = `sub` = the service account email, Identity Toolkit's `aud`, at most an hour long,
/// the `uid`, the tenant when there is one, and the developer claims under `claims`.
struct FirebaseCustomToken: Sendable {
    /// The audience Identity Toolkit requires of a custom token.
    static let audience = "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit"

    let settings: FirebaseSettings

    /// A custom token for `user` issued at `now` (Unix seconds), with its uid and expiry.
    func mint(for user: UserRecord, now: Int64) throws -> (token: String, uid: String, expiresAt: Int64) {
        let uid = settings.uid.render(for: user)
        let expiresAt = now + settings.tokenTTL
        let email = settings.serviceAccount.email
        var claims: [(key: String, value: JSONValue)] = [
            ("iss", .string(email)), ("sub", .string(email)), ("aud", .string(Self.audience)), ("iat", .integer(now)),
            ("exp", .integer(expiresAt)), ("uid", .string(uid)),
        ]
        if let tenantID = settings.tenantID { claims.append(("tenant_id", .string(tenantID))) }
        let developerClaims: [(key: String, value: JSONValue)] = settings.claims.compactMap { claim in claim.field.value(for: user).map { (claim.name, $0) } }
        if !developerClaims.isEmpty { claims.append(("claims", .object(developerClaims))) }
        let token = try settings.serviceAccount.sign(.object(claims))
        return (token, uid, expiresAt)
    }
}
