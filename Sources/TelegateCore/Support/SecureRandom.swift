import Crypto

/// Random bytes from the CSPRNG behind swift-crypto, in one call (the standard library's generator makes one
/// system call per eight bytes, which shows on the exchange path).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }
}
