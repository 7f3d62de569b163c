import NIOCore

/// Where a connection comes from, as the per-address connection limit counts it: an IPv4 address, or the /64 an
/// IPv6 address belongs to (one subscriber or host usually holds a whole /64, so counting single IPv6 addresses
/// would let one client open a limit's worth of connections from each of its 2^64 addresses).
/// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, from a dual-stack listener) counts as its IPv4 address.
struct ClientNetwork: Hashable, Sendable {
    private enum Key: Hashable {
        case v4(UInt32)
        case v6(UInt64)
        case other
    }

    private let key: Key

    init(_ address: SocketAddress?) {
        switch address {
        case .v4(let v4):
            key = .v4(UInt32(bigEndian: v4.address.sin_addr.s_addr))
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
                key = .v4(bytes[12...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            } else {
                key = .v6(bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            }
        case .unixDomainSocket, .none:
            key = .other
        }
    }
}
