import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a host name into the addresses a connection could be made to. Outbound calls resolve through one of these
/// and connect to an address it returned, never resolving a second time.
public protocol HostResolver: Sendable {
    /// Every address `host` resolves to; empty when it does not resolve.
    func addresses(of host: String) async -> [IPAddress]
}

/// The system resolver (`getaddrinfo`: `/etc/hosts`, DNS, and numeric spellings such as `2130706433`). Lookups
/// block, so they run on a dispatch worker, never on a thread of the concurrency pool.
public struct SystemHostResolver: HostResolver {
    /// The system resolver.
    public init() {}

    public func addresses(of host: String) async -> [IPAddress] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Self.resolve(host)) }
        }
    }

    /// Resolves on the calling thread: for saving configuration, which is rare and already waits on storage.
    public static func resolve(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = IPAddress(entry.pointee.ai_addr), !addresses.contains(address) { addresses.append(address) }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
