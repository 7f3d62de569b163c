/// Strict parsing of decimal integers carried as text (`auth_date`, the widget `id`).
enum DecimalInteger {
    /// A plain non-negative decimal integer: `-1`, `+1`, `1e9`, `0x10`, `1.5`, leading zeros, empty text and
    /// values beyond `Int64.max` are all refused.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 19, !(bytes.count > 1 && bytes[0] == UInt8(ascii: "0")) else {
            return nil
        }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }
}

/// The `auth_date` field: when Telegram issued the proof, in Unix seconds.
enum AuthDate {
    static func parse(_ fields: ProofFields) throws(TelegramAuthError) -> Int64 {
        let parsed = try fields.withValueBytes(for: "auth_date") { bytes throws(TelegramAuthError) -> Int64 in
            guard let value = DecimalInteger.parse(bytes) else {
                throw TelegramAuthError(.authDateMalformed, "auth_date must be a plain decimal Unix time")
            }
            return value
        }
        guard let parsed else { throw TelegramAuthError(.authDateMalformed, "the proof has no auth_date") }
        return parsed
    }
}
