import Foundation

/// The scheme and host of an outbound URL, read exactly as the HTTP client reads them (Foundation's `URL`, brackets
/// of an IPv6 literal removed), so the host that is resolved and checked is the host the connection is made for:
/// a URL two parsers would read differently (`https://a.example\@127.0.0.1/`) cannot be checked as one host and
/// connected to as another.
struct OutboundTarget: Sendable, Hashable {
    /// `http` or `https`.
    let scheme: String
    /// The host as the HTTP client sees it: a name, or an address in any spelling the resolver accepts.
    let host: String

    init?(_ url: String) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            var host = parsed.host, !host.isEmpty
        else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.scheme = scheme
        self.host = host
    }

    /// The address itself when the host is a strict IP literal: the HTTP client connects to it without resolving.
    var literal: IPAddress? { IPAddress(literal: host) }
}
