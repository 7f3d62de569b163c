#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an admin-configured provider URL may point at (SSRF protection): `https` only, and no loopback,
/// link-local, private or otherwise internal address, unless explicitly allowed. Checked when the URL is saved and
/// again before each connection, because DNS can change in between.
public struct OutboundURLPolicy: Sendable, Equatable {
    /// Plain `http` to a loopback address, for local simulators.
    public var allowInsecureLoopback: Bool
    /// Private, loopback and link-local addresses (for self-hosted providers on an internal network).
    public var allowPrivateNetworks: Bool

    /// The strict default.
    public init(allowInsecureLoopback: Bool = false, allowPrivateNetworks: Bool = false) {
        self.allowInsecureLoopback = allowInsecureLoopback
        self.allowPrivateNetworks = allowPrivateNetworks
    }

    /// Checks `url`, resolving its host; throws `422 unsafe_url` with the reason.
    public func check(_ url: String) throws {
        guard let parsed = Self.split(url) else { throw Self.refused("\(url.prefix(80)) is not an absolute http(s) URL") }
        let addresses = try Self.resolve(parsed.host)
        guard !addresses.isEmpty else { throw Self.refused("\(parsed.host) does not resolve") }
        let allLoopback = addresses.allSatisfy(\.isLoopback)
        if parsed.scheme == "http" {
            guard allowInsecureLoopback, allLoopback else {
                throw Self.refused("plain http is allowed only to loopback addresses with allowInsecureLoopback")
            }
            return
        }
        if !allowPrivateNetworks, !(allowInsecureLoopback && allLoopback),
            let internalAddress = addresses.first(where: \.isInternal)
        {
            throw Self.refused("\(parsed.host) resolves to an internal address (\(internalAddress)); set allowPrivateNetworks to permit it")
        }
    }

    static func split(_ url: String) -> (scheme: String, host: String)? {
        let lowered = url.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") {
            scheme = "https"
        } else if lowered.hasPrefix("http://") {
            scheme = "http"
        } else {
            return nil
        }
        var rest = url.dropFirst(scheme.count + 3)
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        var host = String(rest)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { return nil }
        return (scheme, host)
    }

    /// Every address `host` resolves to (IP literals in any form, including decimal and IPv4-mapped, included).
    static func resolve(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = IPAddress(entry.pointee.ai_addr) { addresses.append(address) }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    static func refused(_ message: String) -> TelegateError {
        TelegateError(.init("unsafe_url"), status: 422, message)
    }
}

/// An IPv4 or IPv6 address and its classification.
struct IPAddress: CustomStringConvertible {
    /// Network-order bytes (4 or 16).
    let bytes: [UInt8]

    init?(_ address: UnsafePointer<sockaddr>?) {
        guard let address else { return nil }
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let ipv4 = UnsafeRawPointer(address).load(as: sockaddr_in.self)
            bytes = withUnsafeBytes(of: ipv4.sin_addr) { Array($0) }
        case AF_INET6:
            let ipv6 = UnsafeRawPointer(address).load(as: sockaddr_in6.self)
            bytes = withUnsafeBytes(of: ipv6.sin6_addr) { Array($0) }
        default:
            return nil
        }
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The IPv4 address an IPv6 address carries and reaches — IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
    /// (`::a.b.c.d`, deprecated but still routed by some stacks) or NAT64 (`64:ff9b::a.b.c.d`) — or the IPv4
    /// address itself, so every spelling of an internal IPv4 address is classified as that address.
    var ipv4: [UInt8]? {
        if bytes.count == 4 { return bytes }
        guard bytes.count == 16 else { return nil }
        let tail = Array(bytes[12..<16])
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return tail }
        if bytes[0..<12].allSatisfy({ $0 == 0 }), tail[0] != 0 { return tail }
        if bytes[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return tail }
        return nil
    }

    var isLoopback: Bool {
        if let ipv4 { return ipv4[0] == 127 }
        return bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    /// Loopback, private (RFC 1918, ULA), link-local (including cloud metadata at 169.254.169.254), carrier-grade
    /// NAT, unspecified, multicast and reserved ranges.
    var isInternal: Bool {
        if let ipv4 {
            switch (ipv4[0], ipv4[1]) {
            case (0, _), (10, _), (127, _), (169, 254), (192, 168), (224...255, _): return true
            case (172, 16...31), (100, 64...127), (192, 0), (198, 18...19): return true
            default: return false
            }
        }
        if isLoopback || bytes.allSatisfy({ $0 == 0 }) { return true }
        return bytes[0] & 0xFE == 0xFC || (bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80) || bytes[0] == 0xFF
    }

    var description: String {
        if let ipv4 { return ipv4.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
