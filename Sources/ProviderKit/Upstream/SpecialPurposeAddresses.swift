/// Which setting, if any, lets an outbound URL reach an address.
public enum AddressScope: Sendable, Equatable {
    /// Publicly routable: always allowed.
    case global
    /// The host itself: allowed with `allowInsecureLoopback` or `allowPrivateNetworks`.
    case loopback
    /// A private network (RFC 1918, shared address space, unique local, site-local, local-use NAT64): allowed with
    /// `allowPrivateNetworks`.
    case privateNetwork
    /// Never allowed: link-local (cloud metadata lives there), documentation, benchmarking, multicast, reserved and
    /// protocol ranges, and internal addresses reached through a tunnel or translation form.
    case never
}

/// An address's scope and, unless it is global, the special-purpose range that decided it.
public struct AddressClass: Sendable, Equatable {
    public let scope: AddressScope
    /// The range, named as in the IANA registries with its prefix (`loopback 127.0.0.0/8`).
    public let range: String?

    static let global = AddressClass(scope: .global, range: nil)
}

/// The IANA IPv4 and IPv6 Special-Purpose Address Registries (and the multicast, reserved and not-yet-allocated
/// space around them), as the outbound-URL policy reads them. Tunnel and translation forms that carry an IPv4
/// address (IPv4-mapped, NAT64, 6to4, Teredo) are judged by the address they lead to.
enum SpecialPurposeAddresses {
    /// One registry entry: a prefix, its name and its scope.
    struct Range: Sendable {
        let network: IPAddress
        let length: Int
        let name: String
        let scope: AddressScope

        init(_ network: String, _ length: Int, _ name: String, _ scope: AddressScope) {
            self.network = IPAddress(literal: network)!
            self.length = length
            self.name = name
            self.scope = scope
        }

        func contains(_ address: IPAddress) -> Bool {
            guard address.bytes.count == network.bytes.count else { return false }
            for bit in stride(from: 0, to: length, by: 8) {
                let index = bit / 8
                let mask: UInt8 = length - bit >= 8 ? 0xFF : ~(0xFF >> UInt8(length - bit))
                if address.bytes[index] & mask != network.bytes[index] & mask { return false }
            }
            return true
        }

        var cidr: String { "\(network)/\(length)" }
        var addressClass: AddressClass { AddressClass(scope: scope, range: "\(name) \(cidr)") }
    }

    /// IPv4, the more specific entries first.
    static let ipv4: [Range] = [
        Range("100.100.100.200", 32, "cloud metadata", .never),
        Range("0.0.0.0", 8, "\"this network\"", .never),
        Range("10.0.0.0", 8, "private-use", .privateNetwork),
        Range("100.64.0.0", 10, "shared address space", .privateNetwork),
        Range("127.0.0.0", 8, "loopback", .loopback),
        Range("169.254.0.0", 16, "link-local", .never),
        Range("172.16.0.0", 12, "private-use", .privateNetwork),
        Range("192.0.0.0", 24, "IETF protocol assignments", .never),
        Range("192.0.2.0", 24, "documentation (TEST-NET-1)", .never),
        Range("192.88.99.0", 24, "6to4 relay anycast", .never),
        Range("192.168.0.0", 16, "private-use", .privateNetwork),
        Range("198.18.0.0", 15, "benchmarking", .never),
        Range("198.51.100.0", 24, "documentation (TEST-NET-2)", .never),
        Range("203.0.113.0", 24, "documentation (TEST-NET-3)", .never),
        Range("224.0.0.0", 4, "multicast", .never),
        Range("255.255.255.255", 32, "limited broadcast", .never),
        Range("240.0.0.0", 4, "reserved", .never),
    ]

    /// IPv6 ranges judged as they are; the IPv4-carrying forms are judged in ``classify(_:)`` first. The more
    /// specific entries first.
    static let ipv6: [Range] = [
        Range("::", 128, "unspecified", .never),
        Range("::1", 128, "loopback", .loopback),
        Range("::", 96, "IPv4-compatible (deprecated)", .never),
        Range("100::", 64, "discard-only", .never),
        Range("100:0:0:1::", 64, "dummy prefix", .never),
        Range("2001:db8::", 32, "documentation", .never),
        Range("2001::", 23, "IETF protocol assignments", .never),
        Range("3fff::", 20, "documentation", .never),
        Range("5f00::", 16, "segment routing (SRv6) SIDs", .never),
        Range("fd00:ec2::254", 128, "cloud metadata", .never),
        Range("fc00::", 7, "unique local", .privateNetwork),
        Range("fe80::", 10, "link-local", .never),
        Range("fec0::", 10, "site-local (deprecated)", .privateNetwork),
        Range("ff00::", 8, "multicast", .never),
    ]

    static let ipv4Mapped = Range("::ffff:0.0.0.0", 96, "IPv4-mapped", .global)
    static let nat64 = Range("64:ff9b::", 96, "NAT64", .global)
    static let localNAT64 = Range("64:ff9b:1::", 48, "local-use NAT64", .privateNetwork)
    static let sixToFour = Range("2002::", 16, "6to4", .global)
    static let teredo = Range("2001::", 32, "Teredo", .never)
    static let globalUnicast = Range("2000::", 3, "global unicast", .global)

    /// The scope of `address`.
    static func classify(_ address: IPAddress) -> AddressClass {
        if address.isIPv4 { return ipv4.first { $0.contains(address) }?.addressClass ?? .global }
        if ipv4Mapped.contains(address) {
            // The same IPv4 address in a dual-stack socket's spelling: exactly as allowed as that address.
            let ipv4 = classify(address.embeddedIPv4(at: 12))
            return ipv4.scope == .global ? .global : AddressClass(scope: ipv4.scope, range: "IPv4-mapped \(ipv4.range ?? "")")
        }
        if nat64.contains(address) {
            return translated(nat64, to: [address.embeddedIPv4(at: 12)]) ?? .global
        }
        if localNAT64.contains(address) {
            // The operator chooses the prefix length inside 64:ff9b:1::/48 (RFC 8215), so every RFC 6052
            // position the IPv4 address could occupy must hold a global one.
            let candidates = [
                address.embeddedIPv4(at: 6, skippingUOctet: true), address.embeddedIPv4(at: 7, skippingUOctet: true),
                address.embeddedIPv4(at: 9), address.embeddedIPv4(at: 12),
            ]
            return translated(localNAT64, to: candidates) ?? localNAT64.addressClass
        }
        if sixToFour.contains(address) {
            return translated(sixToFour, to: [address.embeddedIPv4(at: 2)]) ?? .global
        }
        if teredo.contains(address) {
            // Every Teredo address reaches a relay and a client of somebody else's choosing: none is allowed.
            let server = address.embeddedIPv4(at: 4)
            let client = IPAddress(bytes: address.bytes[12..<16].map { $0 ^ 0xFF })!
            return AddressClass(scope: .never, range: "\(teredo.name) \(teredo.cidr) (server \(server), client \(client))")
        }
        if let range = ipv6.first(where: { $0.contains(address) }) { return range.addressClass }
        guard globalUnicast.contains(address) else {
            return AddressClass(scope: .never, range: "reserved (outside global unicast \(globalUnicast.cidr))")
        }
        return .global
    }

    /// `nil` when every IPv4 address a tunnel or translation form leads to is global; otherwise `.never`, naming
    /// the first that is not. An internal address is reached by its own spelling, never through such a form.
    private static func translated(_ form: Range, to candidates: [IPAddress]) -> AddressClass? {
        for candidate in candidates {
            let inner = classify(candidate)
            if inner.scope != .global {
                return AddressClass(scope: .never, range: "\(form.name) \(form.cidr) of \(candidate), \(inner.range ?? "")")
            }
        }
        return nil
    }
}
