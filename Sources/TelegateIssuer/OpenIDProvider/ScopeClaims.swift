import StrictJSON
import TelegateCore

/// The claims about a user that each granted scope releases: one function for the ID token and userinfo, so both
/// always say the same. There is never an email claim.
public enum ScopeClaims {
    /// The scopes the OpenID Provider knows, in the order discovery lists them.
    public static let scopes = ["openid", "profile", "telegram", "offline_access"]

    /// The claims each scope releases (`offline_access` releases none), for discovery's `claims_supported`.
    public static let claimNames: [String] = [
        "sub", "name", "given_name", "family_name", "preferred_username", "picture", "locale", "updated_at", "telegram_id",
        "telegram_username", "allows_write_to_pm",
    ]

    /// `sub`, then the claims of every granted scope: `profile` → ``profile(_:)`` and `updated_at`; `telegram` →
    /// `telegram_id`, `telegram_username`, `allows_write_to_pm`. Absent values are omitted, never invented.
    public static func claims(of user: UserRecord, scopes: some Sequence<String>) -> [(key: String, value: JSONValue)] {
        let granted = Set(scopes)
        var claims: [(key: String, value: JSONValue)] = [("sub", .string(user.id.rawValue))]
        if granted.contains("profile") {
            claims += profile(user.profile)
            claims.append(("updated_at", .integer(user.updatedAt)))
        }
        if granted.contains("telegram") {
            claims.append(("telegram_id", .integer(user.telegramID)))
            if let username = user.profile.username { claims.append(("telegram_username", .string(username))) }
            claims.append(("allows_write_to_pm", .bool(user.profile.allowsWriteToPM)))
        }
        return claims
    }

    /// The standard profile claims (OpenID Connect Core §5.1) of `profile`: `name`, `given_name`, `family_name`,
    /// `preferred_username`, `picture` (only an https URL) and `locale`.
    public static func profile(_ profile: UserProfile) -> [(key: String, value: JSONValue)] {
        var claims: [(key: String, value: JSONValue)] = [
            ("name", .string(profile.displayName)), ("given_name", .string(profile.firstName)),
        ]
        if let lastName = profile.lastName, !lastName.isEmpty { claims.append(("family_name", .string(lastName))) }
        if let username = profile.username { claims.append(("preferred_username", .string(username))) }
        if let picture = profile.photoURL, picture.hasPrefix("https://") { claims.append(("picture", .string(picture))) }
        if let locale = profile.languageCode { claims.append(("locale", .string(locale))) }
        return claims
    }
}
