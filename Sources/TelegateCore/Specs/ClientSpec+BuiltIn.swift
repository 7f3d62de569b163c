extension ClientSpec {
    /// A client Telegate itself is: public (PKCE, no secret, `tokenEndpointAuthMethod: none`), no consent page, one
    /// redirect URI. It is never stored; the app's OpenID Provider knows it from the server's configuration.
    public static func builtIn(id: ClientID, redirectURI: String, scopes: [String]) -> ClientSpec {
        ClientSpec(
            id: id, secret: nil, redirectURIs: [redirectURI], scopes: scopes, consent: .skip,
            tokenEndpointAuthMethod: ClientSpec.AuthMethod.none)
    }
}
