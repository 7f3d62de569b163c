/// Where a bot's Bot API calls go (``BotSpec/api``): Telegram's, unless the spec names a local Bot API server or a
/// simulator. The URL is reached under the same outbound policy as adapter URLs, with the same two flags.
public struct BotAPIEndpoint: Sendable, Equatable {
    /// Telegram's Bot API.
    public static let telegram = "https://api.telegram.org"

    /// The configured base URL (`apiURL`); `nil` is ``telegram``.
    public var url: String?
    /// Whether plain http to a loopback host is allowed (a local Bot API server, tests).
    public var allowInsecureLoopback: Bool
    /// Whether private-network addresses are allowed.
    public var allowPrivateNetworks: Bool

    /// Creates an endpoint; the default is Telegram's.
    public init(url: String? = nil, allowInsecureLoopback: Bool = false, allowPrivateNetworks: Bool = false) {
        self.url = url
        self.allowInsecureLoopback = allowInsecureLoopback
        self.allowPrivateNetworks = allowPrivateNetworks
    }

    /// The base URL calls go to, without a trailing slash.
    public var baseURL: String {
        var base = url ?? Self.telegram
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// Checks the URL's shape (`422 unsafe_url`); where it resolves to is checked against the outbound policy when
    /// the bot is stored and again at every call.
    public func validate() throws(TelegateError) {
        if let url { try OutboundURLShape.check(url, member: "apiURL", allowInsecureLoopback: allowInsecureLoopback) }
    }
}
