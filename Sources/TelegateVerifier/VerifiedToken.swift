import Foundation

/// A token ``TelegateVerifier`` accepted: who it names, for whom, until when, and all of its claims.
public struct VerifiedToken: Sendable, Equatable {
    /// Which kind of token it is.
    public let kind: TokenKind
    /// `sub`: Telegate's stable user id (`usr_…`).
    public let subject: String
    /// `iss`: the issuer, exactly as configured.
    public let issuer: String
    /// `aud`, as a list (a single string becomes one element).
    public let audiences: [String]
    /// `exp`.
    public let expiresAt: Date
    /// `iat`.
    public let issuedAt: Date
    /// `scope`, split on spaces (access tokens; empty when absent).
    public let scopes: [String]
    /// `client_id` (access tokens).
    public let clientID: String?
    /// `jti` (access tokens).
    public let tokenID: String?
    /// Every claim of the token, including the ones above (`telegram_id`, `name`, …).
    public let claims: [String: ClaimValue]

    init(kind: TokenKind, claims: [String: ClaimValue]) throws(VerificationError) {
        guard let subject = claims["sub"]?.stringValue, !subject.isEmpty else { throw .missingClaim("sub") }
        guard let expiry = claims["exp"]?.integerValue else { throw .missingClaim("exp") }
        guard let issued = claims["iat"]?.integerValue else { throw .missingClaim("iat") }
        self.kind = kind
        self.subject = subject
        issuer = claims["iss"]?.stringValue ?? ""
        switch claims["aud"] {
        case .string(let audience): audiences = [audience]
        case .array(let values): audiences = values.compactMap(\.stringValue)
        default: audiences = []
        }
        expiresAt = Date(timeIntervalSince1970: TimeInterval(expiry))
        issuedAt = Date(timeIntervalSince1970: TimeInterval(issued))
        scopes = claims["scope"]?.stringValue?.split(separator: " ").map(String.init) ?? []
        clientID = claims["client_id"]?.stringValue
        tokenID = claims["jti"]?.stringValue
        self.claims = claims
    }
}
