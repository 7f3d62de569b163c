/// Which of Telegate's tokens a verification expects; the header's `typ` must match (RFC 9068 §2.1, §4).
public enum TokenKind: Sendable, Equatable {
    /// An OpenID Connect ID token, `typ: JWT`.
    case idToken
    /// An RFC 9068 access token, `typ: at+jwt` (or `application/at+jwt`).
    case accessToken

    func accepts(type: String?) -> Bool {
        guard let type = type?.lowercased() else { return false }
        switch self {
        case .idToken: return type == "jwt"
        case .accessToken: return type == "at+jwt" || type == "application/at+jwt"
        }
    }
}
