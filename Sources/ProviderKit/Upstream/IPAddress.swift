#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, as the bytes a connection is made to.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// Network-order bytes: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// The address with these network-order bytes (4 or 16 of them).
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// The address written as a strict literal: dotted-quad IPv4 or IPv6 text, nothing else (no decimal or hex
    /// forms, no brackets, no zone). The same test the HTTP client applies before it connects without resolving.
    public init?(literal text: String) {
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        if inet_pton(AF_INET, text, &ipv4) == 1 {
            bytes = withUnsafeBytes(of: ipv4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &ipv6) == 1 {
            bytes = withUnsafeBytes(of: ipv6) { Array($0) }
        } else {
            return nil
        }
    }

    /// The address of a resolver answer (`AF_INET` or `AF_INET6`).
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

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }

    /// The IPv4 address in four bytes of an IPv6 address, starting at `offset`; RFC 6052 embeddings skip byte 8
    /// (the `u` octet), which `skippingUOctet` does.
    func embeddedIPv4(at offset: Int, skippingUOctet: Bool = false) -> IPAddress {
        var embedded: [UInt8] = []
        var index = offset
        while embedded.count < 4 {
            if !(skippingUOctet && index == 8) { embedded.append(bytes[index]) }
            index += 1
        }
        return IPAddress(bytes: embedded)!
    }

    /// Dotted-quad IPv4, or RFC 5952 IPv6 (lowercase hex, the longest run of two or more zero groups as `::`):
    /// text `init(literal:)` reads back.
    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var longest = (start: -1, length: 0)
        var run = (start: -1, length: 0)
        for (index, group) in groups.enumerated() {
            if group == 0 {
                run = run.start < 0 ? (index, 1) : (run.start, run.length + 1)
                if run.length > longest.length { longest = run }
            } else {
                run = (-1, 0)
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard longest.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<longest.start].joined(separator: ":")
        let tail = hex[(longest.start + longest.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}
