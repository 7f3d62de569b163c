/// What an OpenID Provider client was granted: the refresh-token family of an authorization-code redemption
/// carries it. Access tokens name their family as their grant, so revoking the family revokes them too.
public struct ClientGrant: Sendable, Equatable {
    /// The client the tokens were issued to; only it may refresh, introspect or revoke them.
    public var clientID: ClientID
    /// The granted scopes; a refresh may only narrow them.
    public var scopes: [String]
    /// When the user proved who they are (the ID token's `auth_time`).
    public var authTime: Int64

    /// Creates a grant.
    public init(clientID: ClientID, scopes: [String], authTime: Int64) {
        self.clientID = clientID
        self.scopes = scopes
        self.authTime = authTime
    }
}

extension AdapterName {
    /// The adapter name an OpenID Provider grant's family is stored under; such families are refreshed only at
    /// the OpenID Provider's token endpoint, never by an adapter.
    public static let openIDProvider = AdapterName(rawValue: "openid-provider")!
}
