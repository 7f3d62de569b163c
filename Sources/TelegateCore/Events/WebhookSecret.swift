import Foundation

/// A webhook signing secret in Standard Webhooks' spelling: `whsec_` and the standard base64 of 24 to 64 random
/// bytes. The bytes are the HMAC-SHA256 key; receivers' verifier libraries take the whole string.
public enum WebhookSecret {
    /// `whsec_`.
    public static let prefix = "whsec_"

    /// The key bytes of `secret`; `nil` unless it is `whsec_` and base64 of 24 to 64 bytes.
    public static func key(of secret: String) -> [UInt8]? {
        guard secret.hasPrefix(prefix), let bytes = Data(base64Encoded: String(secret.dropFirst(prefix.count))),
            (24...64).contains(bytes.count)
        else { return nil }
        return Array(bytes)
    }

    /// A new secret of 32 random bytes.
    public static func generate() -> String {
        prefix + Data(SecureRandom.bytes(32)).base64EncodedString()
    }
}
