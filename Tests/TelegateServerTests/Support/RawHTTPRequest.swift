#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import TestSupport

extension TestService {
    /// Sends a request whose header values and body are exactly `headers` and `body`, bytes no HTTP client would
    /// send (a raw `0xFF` in a header), over a plain socket, and reads the answer until the server closes.
    func rawRequest(_ method: String, _ path: String, headers: [(String, [UInt8])], body: [UInt8] = []) async throws -> Reply {
        var request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".utf8)
        if !body.isEmpty { request += Array("Content-Type: application/json\r\n".utf8) }
        request += Array("Content-Length: \(body.count)\r\n".utf8)
        for (name, value) in headers { request += Array("\(name): ".utf8) + value + Array("\r\n".utf8) }
        request += Array("\r\n".utf8) + body
        let port = UInt16(baseURL.split(separator: ":").last.flatMap { Int($0) } ?? 0)
        let answer = try await offCooperativePool { [request] in try Self.exchangeBytes(request, port: port) }
        return try Self.parse(answer)
    }

    private struct SocketFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes `request` to 127.0.0.1:`port` and returns every byte read until the peer closes (at most 30 s).
    private static func exchangeBytes(_ request: [UInt8], port: UInt16) throws -> [UInt8] {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SocketFailure(description: "socket() failed") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw SocketFailure(description: "connect() failed") }
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { throw SocketFailure(description: "send() failed") }
            sent += written
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else {
                guard count == 0 else { throw SocketFailure(description: "recv() failed or timed out") }
                return answer
            }
            answer += buffer[..<count]
        }
    }

    /// The status, headers and body of an HTTP/1.1 answer (with a `Content-Length` or chunked body).
    private static func parse(_ answer: [UInt8]) throws -> Reply {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = answer.indices.first(where: { answer[$0...].starts(with: separator) }) else {
            throw SocketFailure(description: "no complete answer")
        }
        let lines = String(decoding: answer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(answer[(end + separator.count)...])
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased() == "chunked" }) {
            body = dechunked(body)
        }
        return Reply(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }

    private static func dechunked(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while let lineEnd = bytes[index...].firstIndex(of: UInt8(ascii: "\r")),
            let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16), size > 0
        {
            let start = lineEnd + 2
            output += bytes[start..<min(start + size, bytes.count)]
            index = start + size + 2
            guard index < bytes.count else { break }
        }
        return output
    }
}
