import Crypto
import TelegateCore
import TelegramAuth

/// A random bearer value — an authorization code, a browser session's id — and the SHA-256 that is stored in its
/// place.
public struct RandomSecret: Sendable {
    /// 32 random bytes, base64url.
    public let value: String

    /// A fresh value.
    public init() {
        value = Base64.urlEncode(SecureRandom.bytes(32))
    }

    /// The stored form of `value`.
    public static func hash(_ value: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(value.utf8)))
    }

    /// The stored form of this value.
    public var hash: [UInt8] { Self.hash(value) }
}
