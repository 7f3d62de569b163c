/// Size limits applied to a proof before any parsing or cryptography, so hostile input costs almost nothing.
public struct ProofLimits: Sendable, Hashable {
    /// The largest accepted input, in bytes of its UTF-8 text.
    public var maxBytes: Int
    /// The most `key=value` pairs (or JSON members) accepted.
    public var maxFields: Int
    /// The longest accepted decoded value, in bytes.
    public var maxValueBytes: Int

    /// Creates limits.
    public init(maxBytes: Int = 8192, maxFields: Int = 32, maxValueBytes: Int = 4096) {
        self.maxBytes = maxBytes
        self.maxFields = maxFields
        self.maxValueBytes = maxValueBytes
    }

    /// The defaults: 8 KiB of input, 32 fields, 4 KiB per value. Real `initData` is well under 2 KiB.
    public static let standard = ProofLimits()

    func checkInputSize(_ byteCount: Int) throws(TelegramAuthError) {
        guard byteCount <= maxBytes else {
            throw TelegramAuthError(.payloadTooLarge, "the proof is \(byteCount) bytes; at most \(maxBytes) are accepted")
        }
    }
}
