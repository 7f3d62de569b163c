/// Where Telegram Login's OpenID Provider is: Telegram's own, `https://oauth.telegram.org`, unless a staging setup
/// or a test points at a stand-in (`telegate simulate telegram`). Its endpoints are found beside its discovery
/// document, as Telegram publishes them: `/auth`, `/token` and `/.well-known/jwks.json`.
public struct TelegramOIDCSettings: Sendable, Equatable {
    /// The path of the discovery document under the provider's base URL.
    public static let discoveryPath = "/.well-known/openid-configuration"

    /// The issuer its discovery document and ID tokens name, byte for byte.
    public var issuer: String
    /// The discovery document's URL; it ends in ``discoveryPath``.
    public var discoveryURL: String
    /// Whether a plain `http` provider on a loopback address may be used (a local simulator).
    public var allowInsecureLoopback: Bool

    /// Telegram's own.
    public static let telegram = TelegramOIDCSettings(issuer: "https://oauth.telegram.org")

    /// Settings for the provider `issuer`, whose discovery document is at `discoveryURL` (by default under the
    /// issuer).
    public init(issuer: String, discoveryURL: String? = nil, allowInsecureLoopback: Bool = false) {
        let issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.issuer = issuer
        self.discoveryURL = discoveryURL ?? issuer + Self.discoveryPath
        self.allowInsecureLoopback = allowInsecureLoopback
    }

    /// The base URL the endpoints are under: the discovery URL without ``discoveryPath``.
    public var baseURL: String { String(discoveryURL.dropLast(Self.discoveryPath.count)) }
    /// The authorization endpoint (`/auth`).
    public var authorizationEndpoint: String { baseURL + "/auth" }
    /// The token endpoint (`/token`).
    public var tokenEndpoint: String { baseURL + "/token" }

    /// Checks the URLs: absolute `http(s)`, the discovery URL ending in ``discoveryPath``, plain `http` only with
    /// ``allowInsecureLoopback``. Returns what is wrong, or `nil`.
    public func problem() -> String? {
        for (name, url) in [("issuer", issuer), ("discoveryURL", discoveryURL)] {
            guard url.hasPrefix("https://") || (allowInsecureLoopback && url.hasPrefix("http://")) else {
                return "\(name) must be an https URL (plain http only to a loopback simulator, with allowInsecureLoopback)"
            }
        }
        guard discoveryURL.hasSuffix(Self.discoveryPath) else { return "discoveryURL must end in \(Self.discoveryPath)" }
        return nil
    }
}
