/// An OAuth client as the app's OpenID Provider serves it: its spec, and the check of its secret.
public struct RegisteredClient: Sendable {
    public let appID: AppID
    public let spec: ClientSpec
    /// The stored digest of the secret; `nil` for a public client.
    private let secretDigest: [UInt8]?
    private let digester: ClientSecretDigester

    /// Creates a client; `secretDigest` is `nil` for a public client.
    public init(appID: AppID, spec: ClientSpec, secretDigest: [UInt8]?, digester: ClientSecretDigester) {
        self.appID = appID
        self.spec = spec
        self.secretDigest = secretDigest
        self.digester = digester
    }

    public var id: ClientID { spec.id }

    /// Whether the client has no secret: it must then prove possession with PKCE.
    public var isPublic: Bool { secretDigest == nil }

    /// How the client may authenticate at the token, introspection and revocation endpoints: the method its spec
    /// names, else both secret methods for a confidential client and `none` for a public one.
    public var acceptedAuthMethods: Set<ClientSpec.AuthMethod> {
        if let method = spec.tokenEndpointAuthMethod { return [method] }
        return isPublic ? [ClientSpec.AuthMethod.none] : [.clientSecretBasic, .clientSecretPost]
    }

    /// Whether `presented` is the client's secret (constant time); always `false` for a public client.
    public func authenticates(secret presented: String) -> Bool {
        guard let secretDigest else { return false }
        return digester.matches(presented, digest: secretDigest, appID: appID, clientID: spec.id)
    }

    /// Whether `uri` is one of the registered redirect URIs, byte for byte.
    public func allowsRedirect(to uri: String) -> Bool {
        spec.redirectURIs.contains { Array($0.utf8) == Array(uri.utf8) }
    }

    /// Whether `uri` is one of the registered post-logout redirect URIs, byte for byte.
    public func allowsPostLogoutRedirect(to uri: String) -> Bool {
        spec.postLogoutRedirectURIs.contains { Array($0.utf8) == Array(uri.utf8) }
    }
}
