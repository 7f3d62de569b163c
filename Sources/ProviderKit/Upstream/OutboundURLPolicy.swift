import TelegateCore

/// What an admin-configured provider URL may point at (SSRF protection): `https` to public addresses only, unless
/// explicitly allowed. See ``SpecialPurposeAddresses`` for the ranges and ``AddressScope`` for what each setting
/// allows. A URL is checked when it is saved and again before each connection, and the connection is made to an
/// address that check accepted (``OutboundHTTPClient``), so DNS cannot change the answer in between.
public struct OutboundURLPolicy: Sendable, Equatable {
    /// Loopback addresses, over plain `http` too (local simulators).
    public var allowInsecureLoopback: Bool
    /// Private networks and loopback, over `https` (a self-hosted provider on an internal network).
    public var allowPrivateNetworks: Bool

    /// The strict default.
    public init(allowInsecureLoopback: Bool = false, allowPrivateNetworks: Bool = false) {
        self.allowInsecureLoopback = allowInsecureLoopback
        self.allowPrivateNetworks = allowPrivateNetworks
    }

    /// Checks `url` now, resolving its host on the calling thread with the system resolver.
    public func evaluate(_ url: String) -> OutboundDestination {
        guard let target = OutboundTarget(url) else { return .refused(reason: Self.notHTTP(url)) }
        return evaluate(target, addresses: target.literal.map { [$0] } ?? SystemHostResolver.resolve(target.host))
    }

    /// The verdict on connecting to `target` at `addresses`, everything its host resolved to: each one must be
    /// allowed, so an answer mixing public and internal addresses is refused whole.
    func evaluate(_ target: OutboundTarget, addresses: [IPAddress]) -> OutboundDestination {
        guard !addresses.isEmpty else { return .unresolvable(host: target.host) }
        let classes = addresses.map { (address: $0, class: SpecialPurposeAddresses.classify($0)) }
        if target.scheme == "http" {
            guard allowInsecureLoopback, classes.allSatisfy({ $0.class.scope == .loopback }) else {
                return .refused(reason: "plain http is allowed only to loopback addresses with allowInsecureLoopback")
            }
            return .allowed(host: target.host, addresses: addresses)
        }
        for (address, addressClass) in classes where !permits(addressClass.scope) {
            let location =
                target.host == address.description
                ? "\(target.host) is in \(addressClass.range ?? "")"
                : "\(target.host) resolves to \(address), in \(addressClass.range ?? "")"
            let remedy =
                switch addressClass.scope {
                case .loopback: "; set allowInsecureLoopback or allowPrivateNetworks to permit it"
                case .privateNetwork: "; set allowPrivateNetworks to permit it"
                case .global, .never: ", which no setting permits"
                }
            return .refused(reason: location + remedy)
        }
        return .allowed(host: target.host, addresses: addresses)
    }

    private func permits(_ scope: AddressScope) -> Bool {
        switch scope {
        case .global: true
        case .loopback: allowInsecureLoopback || allowPrivateNetworks
        case .privateNetwork: allowPrivateNetworks
        case .never: false
        }
    }

    /// Why `url`, which is not an absolute `http(s)` URL with a host, is refused.
    static func notHTTP(_ url: String) -> String {
        "\(url.prefix(80)) is not an absolute http(s) URL"
    }

    /// `422 unsafe_url` with `reason`.
    public static func refused(_ reason: String) -> TelegateError {
        TelegateError(.unsafeURL, reason)
    }
}

/// What checking an outbound URL found: where a connection may go, or why it may not. A host that does not resolve
/// is its own outcome, not a refusal: it is accepted when saved (a DNS outage must not stop a start) and reported
/// unhealthy until it resolves, while an internal address is refused.
public enum OutboundDestination: Sendable, Equatable {
    /// Every address `host` resolves to is allowed; connections go to one of them.
    case allowed(host: String, addresses: [IPAddress])
    /// `host` does not resolve right now.
    case unresolvable(host: String)
    /// The URL, or an address its host resolves to, is refused; `reason` is safe to show admins.
    case refused(reason: String)
}
