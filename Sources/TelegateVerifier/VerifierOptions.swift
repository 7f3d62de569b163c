import Foundation

/// How ``TelegateVerifier`` fetches keys and how lenient its time checks are.
public struct VerifierOptions: Sendable {
    /// Accepted clock difference for `exp`, `nbf` and `iat` (default 30 seconds).
    public var leeway: Duration = .seconds(30)
    /// The least time between two JWKS fetches caused by an unknown `kid` or a failed fetch (default 60 seconds):
    /// a flood of tokens with made-up key ids costs the issuer at most one fetch per interval.
    public var minimumRefetchInterval: Duration = .seconds(60)
    /// Where to fetch the discovery document; by default `<issuer>/.well-known/openid-configuration`.
    public var discoveryURL: URL?
    /// The client whose credentials authenticate introspection calls (`client_secret_basic`); `nil`: none.
    public var introspectionClient: IntrospectionClient?
    /// The time limit of one HTTP call to the issuer (default 10 seconds).
    public var requestTimeout: Duration = .seconds(10)

    /// The defaults.
    public init() {}
}

/// An OAuth client registered at the app's OpenID Provider, for introspection (RFC 7662).
public struct IntrospectionClient: Sendable {
    /// The client id.
    public var id: String
    /// The client secret; never logged.
    public var secret: String

    /// A client from its id and secret.
    public init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }
}
