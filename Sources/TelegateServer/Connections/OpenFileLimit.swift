#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// The process's limit on open file descriptors: every client connection holds one, and running out of them stops
/// the server from accepting anything, health checks included. The connection limit must stay below it.
public enum OpenFileLimit {
    /// Descriptors kept out of the client connection limit: the database, connections to identity providers, the
    /// listening socket, log and key files.
    public static let reserve = 1024

    /// The soft limit now; `nil` when unlimited or unknown.
    public static var current: Int? {
        var limit = rlimit()
        guard getrlimit(resourceKind, &limit) == 0, limit.rlim_cur != unlimited else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// Raises the soft limit to the hard limit, as a server is expected to at start (the soft limit's usual
    /// default, 1,024, is below the default connection limit). A limit that cannot be raised is left as it is.
    public static func raise() {
        var limit = rlimit()
        guard getrlimit(resourceKind, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        #if canImport(Darwin)
        // macOS refuses an infinite soft limit; OPEN_MAX is the most a process may ask for.
        limit.rlim_cur = min(limit.rlim_max, rlim_t(OPEN_MAX))
        #else
        limit.rlim_cur = limit.rlim_max
        #endif
        _ = setrlimit(resourceKind, &limit)
    }

    /// `limits` with the connection limits lowered, if need be, so that client connections leave ``reserve``
    /// descriptors free (or half of them, under a small limit) within a soft limit of `available`.
    public static func fitting(_ limits: ConnectionLimits, available: Int? = current) -> ConnectionLimits {
        guard let available else { return limits }
        var fitted = limits
        fitted.maxConnections = min(limits.maxConnections, max(available - reserve, available / 2, 1))
        fitted.maxConnectionsPerAddress = min(limits.maxConnectionsPerAddress, fitted.maxConnections)
        return fitted
    }

    #if canImport(Glibc)
    private static let resourceKind = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    /// `RLIM_INFINITY`, which Swift cannot import from its C definition here.
    private static let unlimited = rlim_t.max
    #else
    private static let resourceKind = RLIMIT_NOFILE
    private static let unlimited = RLIM_INFINITY
    #endif
}
