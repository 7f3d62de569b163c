#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Synchronization

/// A TCP port on 127.0.0.1 that is free right now, so a server's public URL can be known before it starts.
///
/// Ports come from below the kernel's ephemeral range (32768 and up on Linux), so a socket bound to port 0 by any
/// test — a client connection, a simulator — never takes a port handed out here between the check and the server's
/// bind; and a port is never handed out twice in one test process.
public enum FreePort {
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port nothing listens on and no earlier call returned.
    public static func next() -> Int {
        while true {
            let port = Int.random(in: 20_000..<32_000)
            let fresh = handedOut.withLock { $0.insert(port).inserted }
            if fresh, isFree(port) { return port }
        }
    }

    private static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        } == 0
    }
}
