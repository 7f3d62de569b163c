import HTTPTypes
import Hummingbird
import Logging

/// The request context of every route: Hummingbird's core storage plus the request id.
public struct TelegateRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id of this request, on every log line and in the `X-Request-Id` response header.
    public var requestID: String
    /// The IP address of the connection's peer (a proxy, when there is one in front).
    public let peerAddress: String?

    /// Request bodies are capped at 16 KiB: every proof fits in well under half of that.
    public var maxUploadSize: Int { 16 * 1024 }

    public init(source: Source) {
        coreContext = .init(source: source)
        requestID = RequestID.generate()
        peerAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// Request ids: a caller's well-formed `X-Request-Id` is kept, anything else replaced.
enum RequestID {
    static let header = HTTPField.Name("X-Request-Id")!

    static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    /// 100 random bits (two draws of the system generator) as 20 characters of a 32-letter, log-safe alphabet.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bits = UInt128(generator.next() as UInt64) << 64 | UInt128(generator.next() as UInt64)
        return String(unsafeUninitializedCapacity: 20) { output in
            for index in 0..<20 {
                output[index] = alphabet[Int(truncatingIfNeeded: bits) & 31]
                bits >>= 5
            }
            return 20
        }
    }
}
