#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import TelegateCore

/// Where `telegate serve` listens. Each of host and port comes from the command line (`--host`, `--port`), else
/// the environment (`TELEGATE_HOST`, `TELEGATE_PORT`), else the configuration file (`server.host`,
/// `server.port`), else `127.0.0.1:8080`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// `host:port`, with an IPv6 host in brackets.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension ListenAddress {
    /// The address from the flags, the environment and the file's `server`, in that order of precedence.
    public init(host: String?, port: Int?, environment: [String: String], file: TelegateConfiguration.Server) throws {
        if let port, !(1...65535).contains(port) { throw ConfigurationError("--port must be between 1 and 65535") }
        let environmentHost = environment["TELEGATE_HOST"].flatMap { $0.isEmpty ? nil : $0 }
        var environmentPort: Int?
        if let text = environment["TELEGATE_PORT"], !text.isEmpty {
            guard let number = Int(text), (1...65535).contains(number) else {
                throw ConfigurationError("TELEGATE_PORT must be a port number between 1 and 65535")
            }
            environmentPort = number
        }
        self.host = host ?? environmentHost ?? file.host
        self.port = port ?? environmentPort ?? file.port
    }

    /// Makes sure the server will be able to listen here, by binding a socket the way the server does and closing
    /// it at once, so a start that cannot listen fails before it creates or writes anything.
    public func checkAvailable() throws {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let address = found else {
            throw unavailable("the host \(host) does not resolve to an address")
        }
        defer { freeaddrinfo(found) }
        let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
        // Without a socket to probe with, the server's own bind reports the problem.
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        if bind(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) != 0 { throw failure(errno: errno) }
    }

    /// The error for a bind that failed with `errno`: what is wrong with this address, and what to do.
    public func failure(errno code: Int32) -> TelegateError {
        switch code {
        case EADDRINUSE:
            let other = port < 65535 ? port + 1 : port - 1
            return TelegateError(
                .addressInUse, "\(self) is already in use; stop the other process or pass --port \(other)")
        case EACCES:
            return unavailable("listening on \(self) is not permitted (ports below 1024 need privileges); pass --port 8080")
        case EADDRNOTAVAIL:
            return unavailable(
                "\(host) is not an address of this machine; pass --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)")
        default:
            return unavailable("cannot listen on \(self) (errno \(code))")
        }
    }

    private func unavailable(_ message: String) -> TelegateError {
        TelegateError(.addressUnavailable, message)
    }
}

extension TelegateError.Code {
    /// Another process listens on the address `serve` should listen on.
    public static let addressInUse = Self("address_in_use", status: 500)
    /// `serve` cannot listen on its address: the host is not local or does not resolve, or the port needs privileges.
    public static let addressUnavailable = Self("address_unavailable", status: 500)
}
