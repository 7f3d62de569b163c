import TelegateCore

/// What every OpenID Provider endpoint looks up about its app.
enum OpenIDProviderApp {
    /// The algorithm `client`'s tokens are signed with: its own, else RS256, which every relying party must accept
    /// (OpenID Connect Core §15.1).
    static func algorithm(of client: RegisteredClient) -> SigningAlgorithm {
        client.spec.idTokenAlgorithm ?? .rs256
    }
}

extension AppRuntime {
    /// The algorithms the app's tokens may be signed with: its adapters', its clients', and RS256.
    public var openIDSigningAlgorithms: Set<SigningAlgorithm> {
        signingAlgorithms.union(clients.values.compactMap(\.spec.idTokenAlgorithm)).union([.rs256])
    }
}
